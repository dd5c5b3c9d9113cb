// The init script run for real by bash in a scratch bench directory, with a stand-in `bench`
// that records its arguments: what it writes follows from the environment the Job gives it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build, container, defaultedBench, type Loose } from './bench-fixture.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function executable(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Runs the Job's command in a scratch bench; returns the `bench` calls and sites/apps.txt. */
function runInit(env: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'init-bench-'));
  dirs.push(root);
  for (const dir of ['apps/frappe', 'apps/erpnext', 'sites', 'bin', 'env/bin'])
    mkdirSync(join(root, dir), { recursive: true });
  executable(join(root, 'bin/bench'), `#!/bin/bash\nprintf '%s\\n' "$*" >> "${root}/calls"\n`);
  executable(join(root, 'env/bin/python'), '#!/bin/bash\nexec python3 "$@"\n');
  const command = container(build(defaultedBench()).initJob).command as string[];
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: root,
    env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, HOME: root, ...env },
    encoding: 'utf8',
  });
  const calls = result.status === 0 ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : [];
  const apps = result.status === 0 ? readFileSync(join(root, 'sites/apps.txt'), 'utf8') : '';
  return { status: result.status, stderr: result.stderr, calls, apps };
}

describe('init-bench.sh', () => {
  it('writes apps.txt and the managed keys from the environment of a managed-Redis bench', () => {
    const env = Object.fromEntries(
      (container(build(defaultedBench()).initJob).env as Loose[]).map((e) => [e.name, e.value]),
    );
    const run = runInit(env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.apps).toBe('erpnext\nfrappe\n');
    expect(run.calls).toEqual([
      'set-config -g redis_cache redis://erp-redis-cache:6379',
      'set-config -g redis_queue redis://erp-redis-queue:6379',
      'set-config -g redis_socketio redis://erp-redis-queue:6379',
      'set-config -gp socketio_port 9000',
      'set-config -g bench_id shop-erp',
    ]);
  });

  it('an external Redis from a Secret: one host, default port, the password percent-encoded', () => {
    const run = runInit({
      BENCH_ID: 'shop-erp',
      REDIS_HOST: 'redis.example.com',
      REDIS_PASSWORD: 'p@ss:w/rd $x',
    });
    expect(run.status).toBe(0);
    expect(run.calls.slice(0, 3)).toEqual([
      'set-config -g redis_cache redis://:p%40ss%3Aw%2Frd%20%24x@redis.example.com:6379',
      'set-config -g redis_queue redis://:p%40ss%3Aw%2Frd%20%24x@redis.example.com:6379',
      'set-config -g redis_socketio redis://:p%40ss%3Aw%2Frd%20%24x@redis.example.com:6379',
    ]);
  });

  it('fails rather than writing an empty address when the environment lacks it', () => {
    expect(runInit({ BENCH_ID: 'shop-erp' }).status).not.toBe(0);
  });
});
