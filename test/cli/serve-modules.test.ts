// What `serve` loads before it knows whether it may lead: neither the controller (with the
// MariaDB driver) nor the certificate manager (with node-forge); nor, ever, ajv's compiler or the
// TypeBox schemas (build-time: CRDs, generated validators, docs). A webhook-only or --offline
// process stays about 15 MiB smaller (bench:admission). Checked on the build `npm test` makes, in
// a fresh process whose module hooks see every file loaded, CommonJS and ESM alike.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/paths.js';

/** Files of node_modules that importing `module` of the build loads, as `package/path`. */
function filesLoadedBy(module: string): string[] {
  const script = `const { registerHooks } = require('node:module');
  const loaded = [];
  registerHooks({ load: (url, context, next) => (loaded.push(url), next(url, context)) });
  import(${JSON.stringify(join(projectRoot(), 'dist', module))}).then(() => {
    const files = loaded
      .filter((url) => url.includes('/node_modules/'))
      .map((url) => url.split('/node_modules/').pop());
    console.log(JSON.stringify(files));
  });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

const packageOf = (file: string) =>
  file
    .split('/')
    .slice(0, file.startsWith('@') ? 2 : 1)
    .join('/');
const packagesLoadedBy = (module: string) => [...new Set(filesLoadedBy(module).map(packageOf))];

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

  it('nothing a replica runs loads TypeBox: the run-time values live in src/api/values.ts', () => {
    // About 200 modules; importing serve without them keeps 4.5 MiB less RSS after a full GC.
    // serve, and what it imports on demand: the informers, the controller, the certificate manager.
    for (const module of [
      'src/cli/serve.js',
      'src/controller/informer-cluster-view.js',
      'src/controller/leader-election.js',
      'src/controller/manager.js',
      'src/certificates/manager.js',
    ]) {
      expect(packagesLoadedBy(module), module).not.toContain('@sinclair/typebox');
    }
    // The check sees ES modules at all (TypeBox's build is ESM; require.cache would not show it).
    expect(packagesLoadedBy('src/api/crds.js')).toContain('@sinclair/typebox');
  });

  it('the controller and certificate manager do load them (what the laziness saves)', () => {
    expect(packagesLoadedBy('src/controller/manager.js')).toContain('mariadb');
    expect(packagesLoadedBy('src/certificates/manager.js')).toContain('node-forge');
  });
});
