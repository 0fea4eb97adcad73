import type { SignalOutcomeResolvers } from '../__generated__/resolvers.ts';

export const SignalOutcome: SignalOutcomeResolvers = {
  // The exact decimal stored, not the float the outcome was computed with.
  exitPrice: (outcome) => outcome.exitPriceDecimal,
};
