// The product runs on Node 24 LTS: npm scripts must pick the pinned runtime (the `node`
// devDependency), never the machine's Node 20.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('is the Node major pinned in package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const pinned = /\d+/.exec(pkg.devDependencies.node ?? '')?.[0];
    expect(pinned).toBe('24');
    expect(process.versions.node.split('.')[0]).toBe(pinned);
  });
});
