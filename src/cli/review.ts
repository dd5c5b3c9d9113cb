// `frappe-admission review`: what the API server would store and answer for a manifest,
// offline. The first -f names the objects to review; further -f files are cluster context.
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { denialMessage, formatWarning } from '../admission/messages.js';
import { OPERATIONS, type Operation } from '../api/admission-types.js';
import { loadOperatorConfig } from './config-file.js';
import { evaluateOffline, type OfflineResult } from './evaluate.js';
import { UsageError, type CliIO } from './io.js';
import { readManifests } from './manifests.js';

const HELP = `usage: frappe-admission review -f FILE [-f CONTEXT…] [--old FILE] [--operation CREATE|UPDATE|DELETE]
                              [-o yaml|json|patch] [-n NAMESPACE] [--config FILE] [--dry-run]

Defaults and validates FrappeBench/FrappeSite manifests as the webhooks would. The first -f holds the
objects to review (each document in turn, later ones seeing earlier ones); further -f files fill the
cluster view (benches, sites, StorageClasses, IngressClasses, HPAs, CRDs of KEDA/cert-manager).
Prints the defaulted objects (or the patches) on stdout, warnings and denials on stderr.
Exit code: 0 allowed, 1 denied, 2 bad input.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      old: { type: 'string' },
      operation: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'yaml' },
      namespace: { type: 'string', short: 'n' },
      config: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [file, ...contextFiles] = values.filename ?? [];
  if (!file) throw new UsageError('review needs -f FILE');
  const output = values.output;
  if (output !== 'yaml' && output !== 'json' && output !== 'patch')
    throw new UsageError(`-o must be yaml, json or patch, not ${output}`);
  const operation = (values.operation?.toUpperCase() ?? (values.old ? 'UPDATE' : 'CREATE')) as Operation;
  if (!OPERATIONS.includes(operation) || operation === 'CONNECT')
    throw new UsageError(`--operation must be CREATE, UPDATE or DELETE`);
  if (operation === 'UPDATE' && !values.old) throw new UsageError('--operation UPDATE needs --old FILE');

  const config = await loadOperatorConfig(values.config);
  const reviewed = await readManifests(file);
  const context: unknown[] = [];
  for (const contextFile of contextFiles)
    context.push(...(await readManifests(contextFile)).map((m) => m.object));
  const old = values.old ? await readManifests(values.old) : [];
  if (values.old && old.length !== 1)
    throw new UsageError(`${values.old}: --old needs exactly one object, found ${old.length}`);

  let denied = false;
  const rendered: string[] = [];
  for (const manifest of reviewed) {
    const result = evaluateOffline(
      {
        operation,
        object: manifest.object,
        oldObject: old[0]?.object,
        namespace: values.namespace,
        dryRun: values['dry-run'],
        context,
        source: manifest.source,
      },
      { config },
    );
    // Later documents see this one as the API server would after it was stored.
    if (operation !== 'DELETE') context.push(result.defaulted);
    for (const warning of [...result.mutation.warnings, ...result.validation.warnings])
      io.stderr(`Warning: ${formatWarning(warning)}\n`);
    if (!result.validation.allowed) {
      denied = true;
      io.stderr(describeDenial(result));
    }
    rendered.push(render(result, output));
  }
  io.stdout(output === 'yaml' ? rendered.join('---\n') : rendered.join(''));
  return denied ? 1 : 0;
}

function describeDenial(result: OfflineResult): string {
  const { code, violations } = result.validation;
  const reason = code === 422 ? 'Invalid' : 'Forbidden';
  const lines = violations.map((v) => `  ${denialMessage([v])}\n`);
  return `Error (${reason}): ${result.kind} ${result.namespace}/${result.name || '<generated>'} denied the request:\n${lines.join('')}`;
}

function render(result: OfflineResult, output: 'yaml' | 'json' | 'patch'): string {
  if (output === 'patch') return `${JSON.stringify(result.mutation.patch, null, 2)}\n`;
  if (output === 'json') return `${JSON.stringify(result.defaulted, null, 2)}\n`;
  return stringify(result.defaulted, { lineWidth: 0 });
}
