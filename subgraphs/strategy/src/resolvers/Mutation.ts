import {
  activateStrategy,
  archiveStrategy,
  createStrategy,
  type Db,
  deactivateStrategy,
  promoteStrategy,
  rollbackStrategy,
  type StrategyMutation,
  setStrategyVisibility,
  strategyAccess,
  updateStrategy,
} from '@alphintra/db';
import { auditScope, badInput, forbidden, mayChange } from '@alphintra/subgraph-kit';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { StrategyContext } from '../context.ts';
import { asUserErrors } from '../errors.ts';
import { publishStrategyEvent } from '../events.ts';
import { validateCreateInput, validateUpdateInput } from '../validate.ts';

/**
 * Runs a mutation's transaction with its audit record, then produces its event (after the commit), and returns the
 * payload. With `id`, the caller must own the strategy (or be an admin): checked in the same transaction.
 */
async function commit(ctx: StrategyContext, id: string | null, run: (tx: Db) => Promise<StrategyMutation>) {
  const mutation = await asUserErrors(() =>
    auditScope(ctx).change(
      async (tx) => {
        if (id !== null) await requireOwner(ctx, tx, id);
        return run(tx);
      },
      (done) => ({ id: done.strategy.id, version: done.change.version }),
    ),
  );
  await publishStrategyEvent(ctx.deps, mutation);
  ctx.strategyLoader.prime(mutation.strategy.id, mutation.strategy);
  return { strategy: mutation.strategy };
}

/** FORBIDDEN unless the caller owns strategy `id` or is an admin (an unknown id is left to the mutation). */
async function requireOwner(ctx: StrategyContext, tx: Db, id: string): Promise<void> {
  const [access] = await strategyAccess(tx, [id]);
  if (access && !mayChange(ctx.identity, access.owner)) {
    throw forbidden(`strategy ${id} belongs to another user: only its owner or an admin may change it`);
  }
}

function version(value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 1) throw badInput('input.version', 'versions start at 1');
  return value;
}

export const Mutation: MutationResolvers = {
  createStrategy: async (_parent, { input }, ctx) => {
    const valid = await validateCreateInput(ctx.deps, ctx.identity, input);
    return commit(ctx, null, (tx) =>
      createStrategy(
        tx,
        {
          ...valid,
          owner: ctx.identity.sub,
          visibility: input.visibility ?? 'PRIVATE',
          run: input.activate ? { mode: input.mode ?? 'LIVE' } : undefined,
        },
        { maxStrategies: ctx.deps.maxStrategies },
      ),
    );
  },
  updateStrategy: async (_parent, { input }, ctx) => {
    // Whose it is comes before what is wrong with the input: a stranger learns nothing about the strategy.
    await requireOwner(ctx, ctx.deps.db, input.id);
    const valid = await validateUpdateInput(ctx.deps, ctx.identity, input);
    return commit(ctx, input.id, (tx) => updateStrategy(tx, input.id, valid));
  },
  rollbackStrategy: (_parent, { input }, ctx) =>
    commit(ctx, input.id, (tx) =>
      rollbackStrategy(tx, input.id, version(input.version) ?? 1, input.changeNote?.trim() || null),
    ),
  archiveStrategy: (_parent, { input }, ctx) => commit(ctx, input.id, (tx) => archiveStrategy(tx, input.id)),
  activateStrategy: (_parent, { input }, ctx) =>
    commit(ctx, input.id, (tx) =>
      activateStrategy(tx, input.id, { version: version(input.version), mode: input.mode ?? 'LIVE' }),
    ),
  deactivateStrategy: (_parent, { input }, ctx) =>
    commit(ctx, input.id, (tx) => deactivateStrategy(tx, input.id, { version: version(input.version) })),
  promoteStrategy: (_parent, { input }, ctx) =>
    commit(ctx, input.id, (tx) => promoteStrategy(tx, input.id, version(input.version) ?? 1)),
  setStrategyVisibility: (_parent, { input }, ctx) =>
    commit(ctx, input.id, (tx) => setStrategyVisibility(tx, input.id, input.visibility)),
};
