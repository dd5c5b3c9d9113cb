// Events are deduplicated per object, reason and note within a window, carry every field
// events.k8s.io/v1 requires, and a failed send never throws into a reconcile.
import { describe, expect, it } from 'vitest';
import { eventRecorder } from '../../../src/kube/events.js';
import type { KubeHttp } from '../../../src/kube/kube-http.js';

function recordingHttp(fail = false) {
  const sent: { path: string; body: Record<string, unknown> }[] = [];
  const http: KubeHttp = {
    getJSON: () => Promise.reject(new Error('unused')),
    watch: () => Promise.reject(new Error('unused')),
    sendJSON: (_method, path, body) => {
      sent.push({ path, body: body as Record<string, unknown> });
      return fail ? Promise.reject(new Error('down')) : Promise.resolve({});
    },
  };
  return { http, sent };
}

const site = {
  apiVersion: 'vyogo.tech/v1alpha1',
  kind: 'FrappeSite',
  metadata: { name: 'shop', namespace: 'a', uid: 'u1' },
};

describe('eventRecorder', () => {
  it('sends a complete events.k8s.io/v1 Event with a six-digit eventTime', () => {
    const { http, sent } = recordingHttp();
    eventRecorder({ http, instance: 'pod-1_ab', now: () => Date.parse('2026-12-02T06:00:00.123Z') }).record(
      site,
      'Warning',
      'InitJobFailed',
      'Reconcile',
      'exit 1',
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe('/apis/events.k8s.io/v1/namespaces/a/events');
    expect(sent[0]?.body).toMatchObject({
      eventTime: '2026-12-02T06:00:00.123000Z',
      type: 'Warning',
      reason: 'InitJobFailed',
      action: 'Reconcile',
      note: 'exit 1',
      reportingController: 'vyogo.tech/frappe-admission',
      reportingInstance: 'pod-1_ab',
      regarding: { kind: 'FrappeSite', name: 'shop', namespace: 'a', uid: 'u1' },
    });
  });

  it('sends the same event once per window, and again after it', () => {
    const { http, sent } = recordingHttp();
    let now = 0;
    const events = eventRecorder({ http, instance: 'i', dedupeWindowMs: 1000, now: () => now });
    events.record(site, 'Normal', 'SiteReady', 'Reconcile', 'Ready');
    events.record(site, 'Normal', 'SiteReady', 'Reconcile', 'Ready');
    events.record(site, 'Normal', 'SiteReady', 'Reconcile', 'other note');
    expect(sent).toHaveLength(2);
    now = 1000;
    events.record(site, 'Normal', 'SiteReady', 'Reconcile', 'Ready');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => (s.body.metadata as { name: string }).name)).size).toBe(3);
  });

  it('never throws when the API server refuses, and tries again next time', async () => {
    const { http, sent } = recordingHttp(true);
    const events = eventRecorder({ http, instance: 'i' });
    expect(() => events.record(site, 'Normal', 'X', 'Reconcile', 'n')).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 0));
    events.record(site, 'Normal', 'X', 'Reconcile', 'n');
    expect(sent).toHaveLength(2);
  });
});
