import { type AuditOutcome, InvalidCursorError, listApiKeys, listAuditLog } from '@alphintra/db';
import { badInput, connectionOf, pageSize, readerOf } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';

/** A `DateTime` argument as a Date (the scalar has checked it). */
function dateOf(value: Date | string | number | null | undefined): Date | null {
  if (value == null) return null;
  return value instanceof Date ? value : new Date(value);
}

/** `Query.apiKeys` and `Query.auditLog` (merged into `Query`). */
export const AccessQuery: Pick<QueryResolvers, 'apiKeys' | 'auditLog'> = {
  apiKeys: (_parent, _args, ctx) => listApiKeys(ctx.deps.db, { owner: readerOf(ctx.identity) }),
  auditLog: async (_parent, { filter, first, after }, ctx) => {
    const size = pageSize(first);
    try {
      return connectionOf(
        await listAuditLog(ctx.deps.db, {
          first: size,
          after,
          filter: {
            actor: filter?.actor ?? null,
            operation: filter?.operation ?? null,
            entityType: filter?.entityType ?? null,
            entityId: filter?.entityId ?? null,
            outcome: (filter?.outcome as AuditOutcome | null | undefined) ?? null,
            from: dateOf(filter?.from),
            to: dateOf(filter?.to),
          },
        }),
      );
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
};
