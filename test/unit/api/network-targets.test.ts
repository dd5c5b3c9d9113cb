// Hosts the operator must never be made to connect to on a tenant's behalf.
import { describe, expect, it } from 'vitest';
import { blockedHostProblem } from '../../../src/api/network-targets.js';

describe('blockedHostProblem', () => {
  it.each([
    'localhost',
    'LOCALHOST.',
    'db.localhost',
    '127.0.0.1',
    '127.9.9.9',
    '0.0.0.0',
    '169.254.169.254',
    '::1',
    '[::1]',
    '::',
    'fe80::1',
    'metadata.google.internal',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ])('blocks %s', (host) => expect(blockedHostProblem(host)).toBeDefined());

  it.each([
    'db.example.com',
    '10.0.0.5',
    '192.168.1.10',
    'mariadb.databases.svc',
    '2001:db8::1',
    '172.16.0.1',
  ])('allows %s', (host) => expect(blockedHostProblem(host)).toBeUndefined());
});
