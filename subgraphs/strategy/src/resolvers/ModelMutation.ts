import { addModelVersion, getModelByName } from '@alphintra/db';
import { auditScope, mayChange, userError } from '@alphintra/subgraph-kit';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { validateRegisterModel } from '../models.ts';

/** `Mutation.registerModel` (merged into `Mutation`). */
export const ModelMutation: Pick<MutationResolvers, 'registerModel'> = {
  registerModel: async (_parent, { input }, ctx) => {
    const valid = await validateRegisterModel(ctx.deps, input);
    const taken = () =>
      userError('CONFLICT', `the name "${valid.name}" belongs to another user's model: choose another`, 'input.name');
    try {
      return await auditScope(ctx).change(
        async (tx) => {
          const existing = await getModelByName(tx, valid.name, { forUpdate: true });
          if (existing !== null && !mayChange(ctx.identity, existing.owner)) throw taken();
          return addModelVersion(tx, {
            ...valid,
            existing,
            owner: ctx.identity.sub,
            visibility: input.visibility ?? 'PRIVATE',
          });
        },
        (done) => ({ id: done.model.id, version: done.version.version }),
      );
    } catch (error) {
      // Two first registrations of one name at once: the second finds the name taken.
      if ((error as { cause?: { code?: unknown } }).cause?.code === '23505') {
        throw userError('CONFLICT', `a model named "${valid.name}" was registered meanwhile: try again`, 'input.name');
      }
      throw error;
    }
  },
};
