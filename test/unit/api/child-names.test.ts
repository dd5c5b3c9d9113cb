// The child-name catalogue (API.md §8) pinned by exact strings, and the name budgets of B-NAME-1
// and S-NAME-2 pinned from both sides: at the limit every derived name fits in 63 characters, one
// character more and exactly the expected longest name does not. A renamed child, a longer suffix
// or a name left out of the label-bound lists changes a string or a number here.
import { describe, expect, it } from 'vitest';
import {
  benchChildNames,
  benchLabelBoundNames,
  MAX_BENCH_NAME_LENGTH,
  MAX_SITE_NAME_LENGTH,
  siteChildNames,
  siteLabelBoundNames,
} from '../../../src/api/child-names.js';

describe('child names of a bench and a site (API.md §8)', () => {
  it('bench erp', () => {
    const n = benchChildNames('erp');
    expect({
      ...n,
      initJob: n.initJob('0a1b2c3d'),
      worker: (['default', 'long', 'short'] as const).map(n.worker),
      scaledObject: (['default', 'long', 'short'] as const).map(n.scaledObject),
    }).toEqual({
      sitesVolume: 'erp-sites',
      config: 'erp-config',
      initJob: 'erp-init-0a1b2c3d',
      redisCache: 'erp-redis-cache',
      redisQueue: 'erp-redis-queue',
      gunicorn: 'erp-gunicorn',
      nginx: 'erp-nginx',
      socketio: 'erp-socketio',
      scheduler: 'erp-scheduler',
      worker: ['erp-worker-default', 'erp-worker-long', 'erp-worker-short'],
      scaledObject: ['erp-worker-default', 'erp-worker-long', 'erp-worker-short'],
    });
  });

  it('site shop', () => {
    expect(siteChildNames('shop')).toEqual({
      adminSecret: 'shop-admin',
      database: 'shop-db',
      databasePasswordSecret: 'shop-db-password',
      databaseUser: 'shop-user',
      grant: 'shop-grant',
      dedicatedMariadb: 'shop-mariadb',
      dedicatedMariadbRootSecret: 'shop-mariadb-root',
      initSecret: 'shop-init',
      initJob: 'shop-init',
      dropJob: 'shop-drop',
      ingress: 'shop',
      tlsSecret: 'shop-tls',
    });
  });

  it('the names that must fit in a 63-character label, with the hashes others append', () => {
    expect(benchLabelBoundNames('erp')).toEqual([
      'erp-sites',
      'erp-config',
      'erp-init-xxxxxxxx', // 8 characters of config hash
      'erp-redis-cache',
      'erp-redis-queue',
      'erp-redis-cache-xxxxxxxxxx', // the StatefulSet controller's controller-revision-hash label
      'erp-redis-queue-xxxxxxxxxx',
      'erp-gunicorn',
      'erp-nginx',
      'erp-socketio',
      'erp-scheduler',
      'erp-worker-default',
      'erp-worker-long',
      'erp-worker-short',
      'keda-hpa-erp-worker-default', // the HPA KEDA creates for a ScaledObject
      'keda-hpa-erp-worker-long',
      'keda-hpa-erp-worker-short',
    ]);
    expect(siteLabelBoundNames('shop')).toEqual([
      'shop-admin',
      'shop-db',
      'shop-db-password',
      'shop-user',
      'shop-grant',
      'shop-mariadb',
      'shop-mariadb-root',
      'shop-init',
      'shop-init',
      'shop-drop',
      'shop',
      'shop-tls',
      'shop-mariadb-xxxxxxxxxx',
      'shop-mariadb-internal', // Services the MariaDB operator adds
      'shop-mariadb-primary',
      'shop-mariadb-secondary',
    ]);
  });
});

/** The derived names longer than 63 characters for an owner name of `length` characters. */
const tooLong = (names: (owner: string) => string[], letter: string, length: number) =>
  names(letter.repeat(length)).filter((name) => name.length > 63);

describe('name budgets: the longest owner name whose derived names all fit in 63', () => {
  it('bench: 39, because keda-hpa-<b>-worker-default adds 24', () => {
    expect(MAX_BENCH_NAME_LENGTH).toBe(39);
    const longest = benchLabelBoundNames('b'.repeat(39));
    expect(Math.max(...longest.map((name) => name.length))).toBe(63);
    expect(tooLong(benchLabelBoundNames, 'b', 39)).toEqual([]);
    expect(tooLong(benchLabelBoundNames, 'b', 40)).toEqual([`keda-hpa-${'b'.repeat(40)}-worker-default`]);
  });

  it('site: 44, because the <s>-mariadb StatefulSet revision label adds 19', () => {
    expect(MAX_SITE_NAME_LENGTH).toBe(44);
    const longest = siteLabelBoundNames('s'.repeat(44));
    expect(Math.max(...longest.map((name) => name.length))).toBe(63);
    expect(tooLong(siteLabelBoundNames, 's', 44)).toEqual([]);
    expect(tooLong(siteLabelBoundNames, 's', 45)).toEqual([`${'s'.repeat(45)}-mariadb-xxxxxxxxxx`]);
  });
});
