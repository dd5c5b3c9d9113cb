// The Mutating- and ValidatingWebhookConfigurations of API.md §7, for a webhook reached by URL
// (local control planes: url + caBundle) or by Service (the Helm chart).
import { KIND_NAMES, WEBHOOK_ROUTES, type KindNames, type WebhookKind } from '../api/kinds.js';

export type WebhookTarget =
  | { url: string; caBundle?: string }
  | { service: { namespace: string; name: string; port?: number }; caBundle?: string };

export interface WebhookConfigurationOptions {
  target: WebhookTarget;
  /** The operator's own namespace: excluded so the operator can always repair itself. */
  namespace: string;
  namePrefix?: string;
  /** Mutating failurePolicy: Fail (default) or Ignore (the controller applies the same defaults). */
  mutatingFailurePolicy?: 'Fail' | 'Ignore';
  timeoutSeconds?: number;
}

function clientConfig(target: WebhookTarget, path: string): Record<string, unknown> {
  const caBundle = target.caBundle ? { caBundle: target.caBundle } : {};
  if ('url' in target) return { url: target.url.replace(/\/$/, '') + path, ...caBundle };
  return { service: { ...target.service, port: target.service.port ?? 443, path }, ...caBundle };
}

function webhooksOf(kind: WebhookKind, options: WebhookConfigurationOptions): Record<string, unknown>[] {
  return WEBHOOK_ROUTES.filter((p) => p.webhook === kind).map(({ path, kind: resourceKind }) => {
    const names = KIND_NAMES[resourceKind];
    return webhookOf(kind, `${kind}-${names.singular}.${names.group}`, path, names, options);
  });
}

function webhookOf(
  kind: WebhookKind,
  name: string,
  path: string,
  names: KindNames,
  options: WebhookConfigurationOptions,
): Record<string, unknown> {
  return {
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    matchPolicy: 'Equivalent',
    timeoutSeconds: options.timeoutSeconds ?? 5,
    failurePolicy: kind === 'validate' ? 'Fail' : (options.mutatingFailurePolicy ?? 'Fail'),
    ...(kind === 'mutate' ? { reinvocationPolicy: 'Never' } : {}),
    clientConfig: clientConfig(options.target, path),
    namespaceSelector: {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [options.namespace] },
      ],
    },
    rules: [
      {
        apiGroups: [names.group],
        apiVersions: [names.version],
        operations: kind === 'validate' ? ['CREATE', 'UPDATE', 'DELETE'] : ['CREATE', 'UPDATE'],
        resources: [names.plural],
        scope: 'Namespaced',
      },
    ],
  };
}

export function buildWebhookConfigurations(options: WebhookConfigurationOptions): Record<string, unknown>[] {
  const prefix = options.namePrefix ?? 'frappe-admission';
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: prefix, labels: { 'app.kubernetes.io/name': 'frappe-admission' } },
      webhooks: webhooksOf('mutate', options),
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: prefix, labels: { 'app.kubernetes.io/name': 'frappe-admission' } },
      webhooks: webhooksOf('validate', options),
    },
  ];
}
