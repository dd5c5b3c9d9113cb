// `frappe-admission webhook-config`: prints the webhook configurations for a webhook served at
// a URL (local clusters; the Helm chart renders the Service form).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { buildWebhookConfigurations } from '../webhooks/webhook-configuration.js';
import { UsageError, type CliIO } from './io.js';

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      'ca-file': { type: 'string' },
      namespace: { type: 'string', default: 'frappe-admission-system' },
      'name-prefix': { type: 'string', default: 'frappe-admission' },
      'mutating-failure-policy': { type: 'string', default: 'Fail' },
    },
    strict: true,
  });
  if (!values.url || !/^https:\/\/[^/]+/.test(values.url))
    throw new UsageError('webhook-config needs --url https://HOST:PORT');
  const policy = values['mutating-failure-policy'];
  if (policy !== 'Fail' && policy !== 'Ignore')
    throw new UsageError('--mutating-failure-policy must be Fail or Ignore');
  let caBundle: string | undefined;
  if (values['ca-file']) {
    try {
      caBundle = (await readFile(values['ca-file'])).toString('base64');
    } catch (error) {
      throw new UsageError(`${values['ca-file']}: ${(error as Error).message}`, { cause: error });
    }
  }
  const configurations = buildWebhookConfigurations({
    target: { url: values.url, caBundle },
    namespace: values.namespace,
    namePrefix: values['name-prefix'],
    mutatingFailurePolicy: policy,
  });
  io.stdout(configurations.map((c) => stringify(c, { lineWidth: 0 })).join('---\n'));
  return 0;
}
