import { isUuid, type StrategyStatus } from '@alphintra/core';
import { createStrategy, StrategyNameTakenError, setStrategyStatus } from '@alphintra/db';
import { userError } from '@alphintra/subgraph-kit';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import type { StrategyContext } from '../context.ts';
import { publishStrategyEvent } from '../events.ts';
import { validateCreateInput } from '../validate.ts';

async function setStatus(ctx: StrategyContext, id: string, status: StrategyStatus) {
  const notFound = () => userError('NOT_FOUND', `no strategy with id "${id}"`, 'input.id');
  if (!isUuid(id)) throw notFound();
  const strategy = await setStrategyStatus(ctx.deps.db, id, status);
  if (!strategy) throw notFound();
  await publishStrategyEvent(ctx.deps, status === 'ACTIVE' ? 'activated' : 'deactivated', strategy);
  return { strategy };
}

export const Mutation: MutationResolvers = {
  createStrategy: async (_parent, { input }, ctx) => {
    const valid = await validateCreateInput(ctx.deps, input);
    try {
      const strategy = await createStrategy(ctx.deps.db, {
        ...valid,
        source: input.source ?? 'NO_CODE',
        status: input.activate ? 'ACTIVE' : 'INACTIVE',
      });
      await publishStrategyEvent(ctx.deps, 'created', strategy);
      return { strategy };
    } catch (error) {
      if (error instanceof StrategyNameTakenError) throw userError('CONFLICT', error.message, 'input.name');
      throw error;
    }
  },
  activateStrategy: (_parent, { input }, ctx) => setStatus(ctx, input.id, 'ACTIVE'),
  deactivateStrategy: (_parent, { input }, ctx) => setStatus(ctx, input.id, 'INACTIVE'),
};
