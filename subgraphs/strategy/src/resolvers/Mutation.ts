import {
  activateStrategy,
  archiveStrategy,
  createStrategy,
  deactivateStrategy,
  promoteStrategy,
  rollbackStrategy,
  type StrategyMutation,
  updateStrategy,
} from '@alphintra/db';
import { badInput } from '@alphintra/subgraph-kit';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { StrategyContext } from '../context.ts';
import { asUserErrors } from '../errors.ts';
import { publishStrategyEvent } from '../events.ts';
import { validateCreateInput, validateUpdateInput } from '../validate.ts';

/** Runs a mutation's transaction, then produces its event (after the commit), and returns the payload. */
async function commit(ctx: StrategyContext, run: () => Promise<StrategyMutation>) {
  const mutation = await asUserErrors(run);
  await publishStrategyEvent(ctx.deps, mutation);
  ctx.strategyLoader.prime(mutation.strategy.id, mutation.strategy);
  return { strategy: mutation.strategy };
}

function version(value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 1) throw badInput('input.version', 'versions start at 1');
  return value;
}

export const Mutation: MutationResolvers = {
  createStrategy: async (_parent, { input }, ctx) => {
    const valid = await validateCreateInput(ctx.deps, input);
    return commit(ctx, () =>
      createStrategy(
        ctx.deps.db,
        {
          ...valid,
          source: input.source ?? 'NO_CODE',
          run: input.activate ? { mode: input.mode ?? 'LIVE' } : undefined,
        },
        { maxStrategies: ctx.deps.maxStrategies },
      ),
    );
  },
  updateStrategy: async (_parent, { input }, ctx) => {
    const valid = await validateUpdateInput(ctx.deps, input);
    return commit(ctx, () => updateStrategy(ctx.deps.db, input.id, valid));
  },
  rollbackStrategy: (_parent, { input }, ctx) =>
    commit(ctx, () =>
      rollbackStrategy(ctx.deps.db, input.id, version(input.version) ?? 1, input.changeNote?.trim() || null),
    ),
  archiveStrategy: (_parent, { input }, ctx) => commit(ctx, () => archiveStrategy(ctx.deps.db, input.id)),
  activateStrategy: (_parent, { input }, ctx) =>
    commit(ctx, () =>
      activateStrategy(ctx.deps.db, input.id, { version: version(input.version), mode: input.mode ?? 'LIVE' }),
    ),
  deactivateStrategy: (_parent, { input }, ctx) =>
    commit(ctx, () => deactivateStrategy(ctx.deps.db, input.id, { version: version(input.version) })),
  promoteStrategy: (_parent, { input }, ctx) =>
    commit(ctx, () => promoteStrategy(ctx.deps.db, input.id, version(input.version) ?? 1)),
};
