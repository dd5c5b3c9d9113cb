// Events (events.k8s.io/v1) about FrappeBenches and FrappeSites, deduplicated: the same reason
// and note about the same object is sent once per window, however often a reconcile repeats it,
// so a failing object does not flood the API server. Event times need six fractional digits.
import type { Logger } from 'pino';
import type { KubeHttp } from './kube-http.js';
import { microTime } from './micro-time.js';
import { FIELD_MANAGER } from './writes.js';

export interface EventSubject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventRecorder {
  /** `reason` is CamelCase; `action` says what the controller did or tried (e.g. Reconcile, CreateJob). */
  record(
    subject: EventSubject,
    type: 'Normal' | 'Warning',
    reason: string,
    action: string,
    note: string,
  ): void;
}

export interface EventRecorderOptions {
  http: KubeHttp;
  /** reportingInstance: this process (the leader identity). */
  instance: string;
  logger?: Logger;
  /** An identical event is not repeated within this window (default 10 minutes). */
  dedupeWindowMs?: number;
  now?: () => number;
}

export function eventRecorder(options: EventRecorderOptions): EventRecorder {
  const window = options.dedupeWindowMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const lastSent = new Map<string, number>();
  let sequence = 0;
  return {
    record(subject, type, reason, action, note) {
      const namespace = subject.metadata.namespace ?? 'default';
      const key = `${subject.metadata.uid}\u0000${type}\u0000${reason}\u0000${note}`;
      const at = now();
      const previous = lastSent.get(key);
      if (previous !== undefined && at - previous < window) return;
      lastSent.set(key, at);
      if (lastSent.size > 10_000) {
        for (const [k, t] of lastSent) if (at - t >= window) lastSent.delete(k);
      }
      const name = `${subject.metadata.name ?? 'object'}.${at.toString(16)}${(sequence++ % 4096).toString(16)}`;
      const event = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace },
        eventTime: microTime(new Date(at)),
        type,
        reason,
        action,
        note: note.slice(0, 1024),
        reportingController: `vyogo.tech/${FIELD_MANAGER}`,
        reportingInstance: options.instance.slice(0, 128),
        regarding: {
          apiVersion: subject.apiVersion,
          kind: subject.kind,
          name: subject.metadata.name,
          namespace,
          uid: subject.metadata.uid,
          resourceVersion: subject.metadata.resourceVersion,
        },
      };
      options.http
        .sendJSON('POST', `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`, event)
        .catch((error: unknown) => {
          // Events are best effort: a lost one must never fail a reconcile.
          lastSent.delete(key);
          options.logger?.warn({ err: error, reason }, 'could not record event');
        });
    },
  };
}
