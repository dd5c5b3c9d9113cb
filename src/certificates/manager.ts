// Self-managed certificates, the I/O part, run by the Lease holder only: creates or renews the CA
// and serving certificate in the Secret, and keeps `caBundle` of the named webhook configurations
// equal to the Secret's ca.crt. Every replica serves from the mounted Secret (kubelet swaps the
// files; the server's watcher reloads them), so the Secret is the one source of truth.
//
// Order, so no admission request fails during a renewal: when the CA changes, the new bundle
// (new CA + replaced CA) goes into the webhook configurations BEFORE the Secret gets the new serving
// certificate, so the API server trusts both the replicas already serving the new certificate and
// those still serving the old one; after the overlap the replaced CA leaves the Secret, then the
// bundle. Writes are conditional: the Secret is created (409: another replica did, read it) or
// updated with the resourceVersion read (409: re-read, decide again); caBundle is a JSON patch that
// tests the configuration's resourceVersion and each webhook's name.
import type { Logger } from 'pino';
import { KubeApiError, isConflict, isNotFound, type KubeHttp } from '../kube/kube-http.js';
import { caBundle, expirySeconds, planRenewal, renew, serialOf, type ServiceIdentity } from './pki.js';
import type { CertificatePolicy } from './policy.js';
import { requestedRenewal, secretFromSet, setFromSecret, storedBundle, type SecretObject } from './secret.js';

export interface WebhookConfigurationNames {
  mutating?: string;
  validating?: string;
}

export interface CertificateManagerOptions {
  http: KubeHttp;
  /** The Secret, in the Service's namespace. */
  secretName: string;
  identity: ServiceIdentity;
  webhookConfigurations: WebhookConfigurationNames;
  policy: CertificatePolicy;
  /** Between checks (renewal due, renewal requested, caBundle drifted). */
  checkIntervalMs: number;
  logger: Logger;
  now?: () => Date;
  /** notAfter of the CA in the Secret, as Unix seconds, after every check. */
  onCAExpiry?: (unixSeconds: number) => void;
  onRenewal?: (kind: string) => void;
}

interface WebhookConfiguration {
  metadata: { name: string; resourceVersion: string };
  webhooks?: { name: string; clientConfig?: { caBundle?: string } }[];
}

const CONFIGURATION_PATHS = {
  mutating: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/',
  validating: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/',
};

export class CertificateManager {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly missingLogged = new Set<string>();

  constructor(private readonly options: CertificateManagerOptions) {}

  private get secretPath(): string {
    const { identity, secretName } = this.options;
    return `/api/v1/namespaces/${encodeURIComponent(identity.namespace)}/secrets/${encodeURIComponent(secretName)}`;
  }

  /** Checks at once, then every check interval, until stop(). */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.check()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'certificate check failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.checkIntervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * One pass: read the Secret, renew what is due (retrying on a conflict), then make caBundle of
   * both configurations equal to the Secret's ca.crt.
   */
  async check(): Promise<void> {
    let secret: SecretObject | undefined;
    for (let attempt = 0; !secret; attempt++) {
      try {
        secret = await this.renewIfDue(await this.readSecret());
      } catch (error) {
        if (!isConflict(error) || attempt >= 4) throw error;
        this.options.logger.info('the certificate Secret changed meanwhile; reading it again');
      }
    }
    const set = setFromSecret(secret);
    if (set) this.options.onCAExpiry?.(expirySeconds(set.ca.cert));
    const bundle = storedBundle(secret);
    if (bundle) await this.patchCABundles(bundle);
  }

  private async readSecret(): Promise<SecretObject | undefined> {
    try {
      return (await this.options.http.getJSON(this.secretPath)) as SecretObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async renewIfDue(secret: SecretObject | undefined): Promise<SecretObject> {
    const { identity, policy, logger, secretName } = this.options;
    const now = this.options.now?.() ?? new Date();
    const set = setFromSecret(secret);
    const plan = planRenewal(set, identity, policy, now, requestedRenewal(secret));
    if (!plan) return secret!;
    const next = renew(set, plan, identity, policy, now);
    const written = secretFromSet(secretName, identity.namespace, next, now, secret);
    // The new CA is trusted before any replica can serve a certificate it signed.
    if (plan.kind === 'ca' && secret)
      await this.patchCABundles(Buffer.from(caBundle(next, now)).toString('base64'));
    const stored = secret
      ? ((await this.options.http.sendJSON('PUT', this.secretPath, written)) as SecretObject)
      : await this.create(written);
    logger.info(
      {
        secret: `${identity.namespace}/${secretName}`,
        renewed: plan.kind,
        reason: plan.reason,
        caSerial: serialOf(next.ca.cert),
        caNotAfter: new Date(expirySeconds(next.ca.cert) * 1000).toISOString(),
        servingSerial: serialOf(next.serving.cert),
        servingNotAfter: new Date(expirySeconds(next.serving.cert) * 1000).toISOString(),
        previousCAUntil: next.previousCA?.until.toISOString(),
      },
      secret ? 'certificates renewed' : 'certificates issued',
    );
    this.options.onRenewal?.(plan.kind);
    return stored;
  }

  private async create(secret: SecretObject): Promise<SecretObject> {
    const path = `/api/v1/namespaces/${encodeURIComponent(this.options.identity.namespace)}/secrets`;
    try {
      return (await this.options.http.sendJSON('POST', path, secret)) as SecretObject;
    } catch (error) {
      // Another replica created it first (AlreadyExists): a conflict, so the caller reads it.
      if (isConflict(error))
        throw new KubeApiError(409, 'the certificate Secret was created by another replica');
      throw error;
    }
  }

  /** Sets caBundle of every webhook of both configurations to `bundle` (base64) where it differs. */
  private async patchCABundles(bundle: string): Promise<void> {
    for (const [kind, name] of Object.entries(this.options.webhookConfigurations)) {
      if (!name) continue;
      const path = CONFIGURATION_PATHS[kind as keyof WebhookConfigurationNames] + encodeURIComponent(name);
      let configuration: WebhookConfiguration;
      try {
        configuration = (await this.options.http.getJSON(path)) as WebhookConfiguration;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        if (!this.missingLogged.has(path))
          this.options.logger.warn({ kind, name }, 'webhook configuration not found; caBundle not patched');
        this.missingLogged.add(path);
        continue;
      }
      this.missingLogged.delete(path);
      const webhooks = configuration.webhooks ?? [];
      const stale = webhooks.flatMap((webhook, i) => (webhook.clientConfig?.caBundle === bundle ? [] : [i]));
      if (stale.length === 0) continue;
      const patch = [
        { op: 'test', path: '/metadata/resourceVersion', value: configuration.metadata.resourceVersion },
        ...stale.flatMap((i) => [
          { op: 'test', path: `/webhooks/${i}/name`, value: webhooks[i]!.name },
          { op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: bundle },
        ]),
      ];
      await this.options.http.sendJSON('PATCH', path, patch, 'application/json-patch+json');
      this.options.logger.info({ kind, name, webhooks: stale.length }, 'caBundle patched');
    }
  }
}
