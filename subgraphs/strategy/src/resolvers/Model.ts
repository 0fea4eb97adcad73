import type { ModelResolvers, ModelVersionResolvers } from '../__generated__/resolvers.ts';

export const Model: ModelResolvers = {
  version: (model) => model.currentVersion,
  versions: (model, _args, ctx) => ctx.modelVersionsLoader.load(model.id),
};

export const ModelVersion: ModelVersionResolvers = {
  outputs: (version) => [...version.outputs],
};
