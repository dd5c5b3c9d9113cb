// What `serve` loads before it knows whether it may lead: neither the controller (with the
// MariaDB driver) nor the certificate manager (with node-forge). A webhook-only or --offline
// process stays about 15 MiB smaller (bench:admission). Checked on the build `npm test` makes,
// in a fresh process: node-forge and mariadb are CommonJS, so loading them shows in require.cache.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/paths.js';

function packagesLoadedBy(module: string): string[] {
  const script = `import(${JSON.stringify(join(projectRoot(), 'dist', module))}).then(() => {
    const names = Object.keys(require.cache)
      .filter((path) => path.includes('/node_modules/'))
      .map((path) => path.split('/node_modules/').pop().split('/')[0]);
    console.log(JSON.stringify([...new Set(names)]));
  });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

describe('serve loads what may lead only when it may lead', () => {
  it('importing serve loads neither node-forge nor the MariaDB driver', () => {
    const loaded = packagesLoadedBy('src/cli/serve.js');
    expect(loaded).toContain('fastify'); // the check sees CommonJS packages at all
    expect(loaded).not.toContain('node-forge');
    expect(loaded).not.toContain('mariadb');
  });

  it('the controller and certificate manager do load them (what the laziness saves)', () => {
    expect(packagesLoadedBy('src/controller/manager.js')).toContain('mariadb');
    expect(packagesLoadedBy('src/certificates/manager.js')).toContain('node-forge');
  });
});
