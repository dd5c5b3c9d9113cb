// The Argo CD health check (monitoring/argocd/health.lua) run as Argo CD runs it: gopher-lua with
// the base, table and package libraries only, the object as `obj` (scripts/build-argocd-lua.sh builds
// the runner in monitoring/argocd/lua-runner), against status fixtures of both kinds; and the
// argocd-cm snippet of docs/argocd.md is that file, under both keys.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ARGOCD_HEALTH_KEYS,
  argocdDoc,
  argocdDocFile,
  buildTool,
  healthLuaFile,
} from '../../scripts/monitoring-files.js';

interface Health {
  status?: string;
  message?: string;
  error?: string;
}

let runner: string;

/** Runs `script` (the health check by default) on each object, in one runner process. */
function health(objects: unknown[], script = healthLuaFile()): Promise<Health[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(runner, [script], (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Health[]),
    );
    child.stdin!.end(JSON.stringify(objects));
  });
}

const TIME = '2026-01-01T00:00:00Z';
const cond = (type: string, status: 'True' | 'False' | 'Unknown', reason: string, message = '') => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: TIME,
  observedGeneration: 3,
});

/** An object as the API server returns it, with the controller's status at `observed`. */
function object(kind: 'FrappeBench' | 'FrappeSite', status: unknown, generation = 3) {
  return {
    apiVersion: 'vyogo.tech/v1alpha1',
    kind,
    metadata: { name: 'erpnext', namespace: 'tenant-a', generation, uid: '6b1c-…' },
    spec: { frappeVersion: 'version-15', apps: [{ name: 'erpnext', source: 'image' }] },
    ...(status === undefined ? {} : { status }),
  };
}

const ready = (observedGeneration = 3) => ({
  observedGeneration,
  phase: 'Ready',
  conditions: [
    cond('Ready', 'True', 'Ready', 'all components are ready'),
    cond('Reconciling', 'False', 'Ready'),
    cond('Stalled', 'False', 'Ready'),
    cond('StorageReady', 'True', 'Bound'),
  ],
});
const reconciling = {
  observedGeneration: 3,
  phase: 'Provisioning',
  conditions: [
    cond('Ready', 'False', 'Provisioning', 'waiting for Deployment erpnext-gunicorn'),
    cond('Reconciling', 'True', 'Provisioning', 'waiting for Deployment erpnext-gunicorn (0/1 ready)'),
    cond('Stalled', 'False', 'Provisioning'),
  ],
};
const stalled = {
  observedGeneration: 3,
  phase: 'Failed',
  conditions: [
    cond('Ready', 'False', 'InitJobFailed', 'init Job failed 5 times'),
    cond('Reconciling', 'False', 'InitJobFailed'),
    cond('Stalled', 'True', 'InitJobFailed', 'Job erpnext-init-1a2b failed 5 times: BackoffLimitExceeded'),
  ],
};

beforeAll(async () => {
  runner = await buildTool('build-argocd-lua.sh');
}, 600_000);

describe.each(['FrappeBench', 'FrappeSite'] as const)('the Argo CD health of a %s', (kind) => {
  it('is Healthy when Ready is True at the current generation', async () => {
    expect(await health([object(kind, ready())])).toEqual([
      { status: 'Healthy', message: 'all components are ready' },
    ]);
  });

  it('is Progressing while Reconciling, with its message', async () => {
    expect(await health([object(kind, reconciling)])).toEqual([
      { status: 'Progressing', message: 'waiting for Deployment erpnext-gunicorn (0/1 ready)' },
    ]);
  });

  it("is Degraded when Stalled, with the Stalled condition's message (its reason when empty)", async () => {
    const noMessage = structuredClone(stalled);
    noMessage.conditions[2]!.message = '';
    expect(await health([object(kind, stalled), object(kind, noMessage)])).toEqual([
      { status: 'Degraded', message: 'Job erpnext-init-1a2b failed 5 times: BackoffLimitExceeded' },
      { status: 'Degraded', message: 'InitJobFailed' },
    ]);
  });

  it('is Progressing with no status, no conditions, or a status older than the spec', async () => {
    expect(
      await health([
        object(kind, undefined),
        object(kind, {}),
        object(kind, { observedGeneration: 3, conditions: [] }),
        object(kind, ready(2), 3), // Ready of the previous spec
        object(kind, { ...stalled, observedGeneration: 2 }, 3), // Stalled on a spec since fixed
        object(kind, { conditions: ready().conditions }), // no observedGeneration
      ]),
    ).toEqual([
      { status: 'Progressing', message: 'Waiting for the controller to report status' },
      { status: 'Progressing', message: 'Waiting for the controller to report status' },
      { status: 'Progressing', message: 'Waiting for Ready' },
      { status: 'Progressing', message: 'Waiting for the controller to observe generation 3' },
      { status: 'Progressing', message: 'Waiting for the controller to observe generation 3' },
      { status: 'Progressing', message: 'Waiting for the controller to observe generation 3' },
    ]);
  });

  it("is Progressing when Ready is False and nothing else is said, with Ready's message", async () => {
    const status = {
      observedGeneration: 3,
      conditions: [cond('Ready', 'False', 'Pending', 'waiting for bench erpnext')],
    };
    expect(await health([object(kind, status)])).toEqual([
      { status: 'Progressing', message: 'waiting for bench erpnext' },
    ]);
  });
});

describe('the Argo CD runner', () => {
  it('opens no string library, and reads a status Argo CD does not know as Unknown, as Argo CD does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argocd-lua-'));
    await writeFile(join(dir, 'string.lua'), 'return { status = string.upper("healthy") }');
    await writeFile(join(dir, 'unknown.lua'), 'return { status = "Fine" }');
    const [withString, unknown] = [
      ...(await health([{}], join(dir, 'string.lua'))),
      ...(await health([{}], join(dir, 'unknown.lua'))),
    ];
    expect(withString?.error).toMatch(/string/);
    expect(unknown).toEqual({ status: 'Unknown', message: 'Lua returned an invalid health status' });
    await rm(dir, { recursive: true });
  });
});

describe('docs/argocd.md', () => {
  it('installs exactly monitoring/argocd/health.lua under both keys of argocd-cm', async () => {
    const [doc, lua] = await Promise.all([
      readFile(argocdDocFile(), 'utf8'),
      readFile(healthLuaFile(), 'utf8'),
    ]);
    expect(doc, 'docs/argocd.md is stale: npm run monitoring').toBe(argocdDoc(doc, lua));
    const block = /<!-- BEGIN argocd-cm[^\n]*-->\s*```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const configMap = parse(block) as { metadata: { name: string }; data: Record<string, string> };
    expect(configMap.metadata.name).toBe('argocd-cm');
    expect(Object.keys(configMap.data)).toEqual(ARGOCD_HEALTH_KEYS);
    for (const key of ARGOCD_HEALTH_KEYS) expect(configMap.data[key]).toBe(lua);
  });
});
