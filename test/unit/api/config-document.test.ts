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
    [['a'], /must be a mapping/],
  ])('rejects %j', (document, message) => {
    expect(() => operatorConfigFrom(document)).toThrow(ConfigError);
    expect(() => operatorConfigFrom(document)).toThrow(message);
  });

  it('hands out profiles callers may change without touching later configs', () => {
    const first = operatorConfig();
    first.resources.gunicorn.requests!.cpu = '9';
    expect(operatorConfig().resources.gunicorn.requests!.cpu).toBe('500m');
  });
});
