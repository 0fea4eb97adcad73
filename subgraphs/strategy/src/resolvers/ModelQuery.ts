import { getModelByName, InvalidCursorError, listModels } from '@alphintra/db';
import { badInput, connectionOf, forbidden, mayRead, pageSize, readerOf } from '@alphintra/subgraph-kit';
import type { QueryResolvers } from '../__generated__/resolvers.ts';

/** `Query.models` and `Query.model` (merged into `Query`). */
export const ModelQuery: Pick<QueryResolvers, 'models' | 'model'> = {
  models: async (_parent, { first, after }, ctx) => {
    const size = pageSize(first);
    try {
      return connectionOf(
        await listModels(ctx.deps.db, { first: size, after: after ?? undefined, readableBy: readerOf(ctx.identity) }),
      );
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput('after', error.message);
      throw error;
    }
  },
  model: async (_parent, { name }, ctx) => {
    const model = await getModelByName(ctx.deps.db, name.trim());
    if (model !== null && !mayRead(ctx.identity, model))
      throw forbidden(`model "${model.name}" is private to its owner`);
    return model;
  },
};
