import { generateApiKey, hashApiKey, hasRole, type Role } from '@alphintra/auth';
import { createApiKey, getApiKey, revokeApiKey } from '@alphintra/db';
import { auditScope, badInput, forbidden, mayChange, userError } from '@alphintra/subgraph-kit';
import type { MutationResolvers } from '../__generated__/resolvers.ts';

/** Longest API key name accepted. */
const MAX_KEY_NAME = 100;

/** `Mutation.createApiKey` and `Mutation.revokeApiKey` (merged into `Mutation`). */
export const AccessMutation: Pick<MutationResolvers, 'createApiKey' | 'revokeApiKey'> = {
  createApiKey: async (_parent, { input }, ctx) => {
    const name = input.name.trim();
    if (name.length === 0 || name.length > MAX_KEY_NAME) {
      throw badInput('input.name', `must be 1 to ${MAX_KEY_NAME} characters`);
    }
    const role = input.role.toLowerCase() as Role;
    if (!hasRole(ctx.identity.role, role)) {
      throw forbidden(`a ${ctx.identity.role} cannot create a key with the ${role} role: ask an admin`);
    }
    const expiresAt = input.expiresAt == null ? null : new Date(input.expiresAt);
    if (expiresAt !== null && expiresAt.getTime() <= Date.now()) {
      throw badInput('input.expiresAt', 'must be in the future');
    }
    const key = generateApiKey();
    const apiKey = await auditScope(ctx).change(
      (tx) => createApiKey(tx, { owner: ctx.identity.sub, name, role, hash: hashApiKey(key), expiresAt }),
      (created) => ({ id: created.id }),
    );
    return { apiKey, key };
  },
  revokeApiKey: async (_parent, { input }, ctx) => {
    const apiKey = await auditScope(ctx).change(
      async (tx) => {
        const existing = /^[0-9a-f-]{36}$/i.test(input.id) ? await getApiKey(tx, input.id, { forUpdate: true }) : null;
        if (existing === null) throw userError('NOT_FOUND', `no API key ${input.id}`, 'input.id');
        if (!mayChange(ctx.identity, existing.owner)) {
          throw forbidden(`API key ${input.id} belongs to another user: only its owner or an admin may revoke it`);
        }
        return (await revokeApiKey(tx, input.id)) ?? existing;
      },
      (revoked) => ({ id: revoked.id }),
    );
    ctx.deps.onApiKeyRevoked?.(apiKey.id);
    return { apiKey };
  },
};
