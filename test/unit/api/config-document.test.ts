import { describe, expect, it } from 'vitest';
import { ConfigError, operatorConfigFrom } from '../../../src/defaults/config-document.js';
import { operatorConfig } from '../../../src/defaults/config.js';

describe('operatorConfigFrom', () => {
  it('gives the production profile and API.md defaults for an empty document', () => {
    const config = operatorConfigFrom(undefined);
    expect(config).toEqual(operatorConfig('production'));
    expect(config.resources.gunicorn).toEqual({
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
    expect(config).toMatchObject({
      imageRepository: 'docker.io/frappe/erpnext',
      storageSize: '10Gi',
      jobTTLSeconds: 3600,
    });
  });

  it('applies the small profile and overrides', () => {
    const config = operatorConfigFrom({
      profile: 'small',
      tlsIssuer: 'letsencrypt',
      mariadbRef: { name: 'db', namespace: 'data' },
    });
    expect(config.resources.redis).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    });
    expect(config.tlsIssuer).toBe('letsencrypt');
    expect(config.mariadbRef).toEqual({ name: 'db', namespace: 'data' });
  });

  it.each([
    [{ profile: 'huge' }, /profile: must be production or small/],
    [{ tlsIsuer: 'x' }, /unknown config keys: tlsIsuer/],
    [{ storageSize: 10 }, /storageSize: must be a non-empty string/],
    [{ jobTTLSeconds: -1 }, /jobTTLSeconds/],
    [{ mariadbRef: 'db' }, /mariadbRef/],
    [{ storageSize: 'banana' }, /storageSize: must be a size greater than 0 such as 10Gi, got banana/],
    [{ storageSize: '0' }, /storageSize: must be a size greater than 0/],
    [{ mariadbRef: { name: '' } }, /mariadbRef.name: must be the name of a MariaDB resource/],
    [{ mariadbRef: { name: 'Db_1' } }, /mariadbRef.name/],
    [{ mariadbRef: { name: 'db', namespace: 'Bad NS' } }, /mariadbRef.namespace/],
    [{ mariadbRef: { name: 'db', nmespace: 'x' } }, /mariadbRef: unknown keys nmespace/],
    [{ ingressClassName: 'Nginx Class' }, /ingressClassName: "Nginx Class" is not a Kubernetes object name/],
    [{ sharedNamespaces: 'databases' }, /sharedNamespaces: must be a list of non-empty strings/],
    [{ sharedNamespaces: ['Databases'] }, /sharedNamespaces: "Databases" is not a namespace name/],
    [{ allowIngressSnippets: 'yes' }, /allowIngressSnippets: must be true or false/],
    [{ jobRetryMaxSeconds: 5 }, /jobRetryMaxSeconds: must be at least jobRetryBaseSeconds/],
    [{ jobRetryBaseSeconds: 30, jobRetryMaxSeconds: 20 }, /jobRetryMaxSeconds: must be at least/],
    [['a'], /must be a mapping/],
  ])('rejects %j', (document, message) => {
    expect(() => operatorConfigFrom(document)).toThrow(ConfigError);
    expect(() => operatorConfigFrom(document)).toThrow(message);
  });

  it('reads the tenant-isolation settings', () => {
    const config = operatorConfigFrom({
      sharedNamespaces: ['databases'],
      allowIngressSnippets: true,
      deniedIngressAnnotations: ['example.com/*'],
      allowPrivilegedSecurityContexts: true,
    });
    expect(config).toMatchObject({
      sharedNamespaces: ['databases'],
      allowIngressSnippets: true,
      deniedIngressAnnotations: ['example.com/*'],
      allowPrivilegedSecurityContexts: true,
    });
    expect(operatorConfigFrom({})).toMatchObject({
      sharedNamespaces: [],
      allowIngressSnippets: false,
      deniedIngressAnnotations: [],
      allowPrivilegedSecurityContexts: false,
    });
  });

  it('is deep-frozen: no caller changes what later decisions read', () => {
    const first = operatorConfig();
    expect(() => {
      first.resources.gunicorn.requests!.cpu = '9';
    }).toThrow(TypeError);
    expect(() => {
      (first.mariadbRef as { name: string }).name = 'other';
    }).toThrow(TypeError);
    expect(operatorConfig().resources.gunicorn.requests!.cpu).toBe('500m');
    expect(operatorConfigFrom({ profile: 'small' }).resources.redis.limits).toSatisfy(Object.isFrozen);
  });
});
