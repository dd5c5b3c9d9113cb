// The chart's rendered objects judged by the real API server (`kubectl apply --dry-run=server`,
// strict field validation) for every values combination: cert-manager's Issuers and Certificates
// against cert-manager's own CRDs (v1.21 deploy/crds, cached by scripts/cert-manager-crds.sh), the
// ServiceMonitor against a minimal monitoring.coreos.com CRD. No cert-manager controller runs here
// (its command module is not served), so nothing issues or injects here: this proves the objects are
// valid; cert-manager-netns.test.ts plays cert-manager on an installed release.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certManagerCrds } from '../../harness/cert-manager-player.js';
import { helmTemplate } from '../../scripts/chart.js';
import { freshNamespace, kubectl } from '../harness/cluster.js';
import { installForeignCrds, removeForeignCrds } from '../harness/foreign-crds.js';
import { COMBINATIONS, parseObjects } from '../install/render.js';

const SERVICE_MONITOR = [
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'ServiceMonitor', plural: 'servicemonitors' },
];

let certManagerDir: string;

beforeAll(async () => {
  certManagerDir = await certManagerCrds();
  const applied = await kubectl(['apply', '--server-side', '-f', certManagerDir]);
  if (applied.code !== 0) throw new Error(applied.stderr);
  const waited = await kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    '-f',
    certManagerDir,
  ]);
  if (waited.code !== 0) throw new Error(waited.stderr);
  await installForeignCrds(SERVICE_MONITOR);
});

afterAll(async () => {
  // cert-manager's CRDs make the run's webhook see cert-manager as installed: remove them again.
  if (certManagerDir) await kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', certManagerDir]);
  await removeForeignCrds(SERVICE_MONITOR);
});

async function dryRun(yaml: string) {
  return kubectl(
    [
      'apply',
      '--server-side',
      '--field-manager=helm-chart-test',
      '--dry-run=server',
      '--validate=strict',
      '-f',
      '-',
    ],
    yaml,
  );
}

describe('helm template output, validated by the API server (cert-manager CRDs real, no cert-manager controller)', () => {
  it.each(COMBINATIONS)('is accepted as a whole: $name', async ({ set }) => {
    const namespace = await freshNamespace('helm');
    const yaml = await helmTemplate({ release: 'fa', namespace, set, includeCrds: true });
    const objects = parseObjects(yaml);
    const result = await dryRun(yaml);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // One "(server dry run)" line per object: nothing skipped.
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(objects.length);
    for (const line of lines) expect(line).toMatch(/\((server dry run)\)$/);
  });

  it('rejects a Certificate cert-manager would reject (the real schema is in force)', async () => {
    const namespace = await freshNamespace('helm');
    const yaml = await helmTemplate({ release: 'fa', namespace });
    const broken = yaml.replace('isCA: true', 'isCA: true\n  isCertificateAuthority: true');
    expect(broken).not.toBe(yaml);
    const result = await dryRun(broken);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/spec.isCertificateAuthority: field not declared in schema/);
    const badUsage = yaml.replace('- server auth', '- serving');
    const rejected = await dryRun(badUsage);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stderr).toMatch(/spec.usages\[1\]: Unsupported value: "serving"/);
  });
});
