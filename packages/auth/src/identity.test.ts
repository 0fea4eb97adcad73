import { describe, expect, it } from 'vitest';
import { hasRole, roleFromClaims } from './identity.ts';

describe('roles', () => {
  it('orders viewer < trader < admin', () => {
    expect(hasRole('admin', 'trader')).toBe(true);
    expect(hasRole('trader', 'trader')).toBe(true);
    expect(hasRole('trader', 'admin')).toBe(false);
    expect(hasRole('viewer', 'trader')).toBe(false);
  });

  it('reads the strongest known role of the role claim, or a plain role string', () => {
    expect(roleFromClaims({ roles: ['viewer', 'trader', 'billing'] })).toBe('trader');
    expect(roleFromClaims({ roles: 'admin' })).toBe('admin');
    expect(roleFromClaims({ role: 'viewer' })).toBe('viewer');
    expect(roleFromClaims({ permissions: ['admin'] }, 'permissions')).toBe('admin');
    expect(roleFromClaims({ realm_access: { roles: ['offline_access', 'trader'] } }, 'realm_access.roles')).toBe(
      'trader',
    );
    expect(roleFromClaims({ 'https://alphintra/roles': ['admin'] }, 'https://alphintra/roles')).toBe('admin');
    // The configured claim wins; `role` is only read when the claim is absent.
    expect(roleFromClaims({ roles: ['billing'], role: 'admin' })).toBeUndefined();
    expect(roleFromClaims({ roles: ['superuser'] })).toBeUndefined();
    expect(roleFromClaims({})).toBeUndefined();
  });
});
