/** The roles a caller can have, weakest first: each can do what the ones before it can. */
export const ROLES = ['viewer', 'trader', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who a request comes from: the token's `sub` and its role. */
export interface Identity {
  readonly sub: string;
  readonly role: Role;
  /** Set when the caller authenticated with an API key (audit records name it). */
  readonly apiKeyId?: string;
}

/** The identity of every caller in development mode (no auth settings): it may do everything. */
export const DEVELOPMENT_IDENTITY: Identity = { sub: 'development', role: 'admin' };

/** Who owns what existed before owners did, and the default strategies the platform seeds. */
export const SYSTEM_OWNER = 'system';

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `needed` may. */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** A claim by name, or by a dotted path into nested claims (`realm_access.roles`). */
function claimAt(claims: Readonly<Record<string, unknown>>, claim: string): unknown {
  if (claim in claims) return claims[claim];
  return claim
    .split('.')
    .reduce<unknown>(
      (value, key) => (value !== null && typeof value === 'object' ? (value as never)[key] : undefined),
      claims,
    );
}

/**
 * The role a token's claims give: the strongest known role in the claim `claim` (an array of strings, or one
 * string; a dotted path reaches a nested claim), else in a plain `role` string; undefined when neither names a role.
 */
export function roleFromClaims(claims: Readonly<Record<string, unknown>>, claim = 'roles'): Role | undefined {
  const named = (value: unknown): Role[] => {
    if (typeof value === 'string') return isRole(value) ? [value] : [];
    if (Array.isArray(value)) return value.filter(isRole);
    return [];
  };
  const value = claimAt(claims, claim);
  const roles = [...named(value), ...(value === undefined ? named(claims['role']) : [])];
  if (roles.length === 0) return undefined;
  return roles.reduce((best, role) => (hasRole(role, best) ? role : best));
}
