// What `serve` loads before it knows whether it may lead: neither the controller (with the
// MariaDB driver) nor the certificate manager (with node-forge); nor, ever, ajv's compiler. A webhook-only or --offline
// process stays about 15 MiB smaller (bench:admission). Checked on the build `npm test` makes,
// in a fresh process: node-forge and mariadb are CommonJS, so loading them shows in require.cache.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/paths.js';

/** Files of node_modules (CommonJS) that importing `module` of the build loads, as `package/path`. */
function filesLoadedBy(module: string): string[] {
  const script = `import(${JSON.stringify(join(projectRoot(), 'dist', module))}).then(() => {
    const files = Object.keys(require.cache)
      .filter((path) => path.includes('/node_modules/'))
      .map((path) => path.split('/node_modules/').pop());
    console.log(JSON.stringify(files));
  });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

const packagesLoadedBy = (module: string) => [
  ...new Set(filesLoadedBy(module).map((file) => file.split('/')[0] as string)),
];

describe('serve loads what may lead only when it may lead', () => {
  it('importing serve loads neither node-forge nor the MariaDB driver', () => {
    const loaded = packagesLoadedBy('src/cli/serve.js');
    expect(loaded).toContain('fastify'); // the check sees CommonJS packages at all
    expect(loaded).not.toContain('node-forge');
    expect(loaded).not.toContain('mariadb');
  });

  it('serving validates with generated validators: it loads ajv runtime helpers, never its compiler', () => {
    // Compiling the two validators at start cost 8–12 MiB of RSS that stayed (bench:admission).
    const ajvFiles = filesLoadedBy('src/cli/serve.js').filter((file) => file.startsWith('ajv/'));
    expect(ajvFiles).toContain('ajv/dist/runtime/ucs2length.js');
    expect(ajvFiles.filter((file) => !file.startsWith('ajv/dist/runtime/'))).toEqual([]);
  });

  it('the controller and certificate manager do load them (what the laziness saves)', () => {
    expect(packagesLoadedBy('src/controller/manager.js')).toContain('mariadb');
    expect(packagesLoadedBy('src/certificates/manager.js')).toContain('node-forge');
  });
});
