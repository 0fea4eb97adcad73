import type { ApiKeyResolvers, Role } from '../__generated__/resolvers.ts';

/** The GraphQL spelling of a role. */
export function roleEnum(role: string): Role {
  return role.toUpperCase() as Role;
}

export const ApiKey: ApiKeyResolvers = {
  role: (key) => roleEnum(key.role),
};
