import {
  StrategyArchivedError,
  StrategyLimitError,
  StrategyNameTakenError,
  StrategyNotFoundError,
  StrategyVersionNotFoundError,
} from '@alphintra/db';
import { userError } from '@alphintra/subgraph-kit';

/** Runs a strategy query, turning its refusals into the typed errors a client acts on. */
export async function asUserErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StrategyNotFoundError) throw userError('NOT_FOUND', error.message, 'input.id');
    if (error instanceof StrategyVersionNotFoundError) throw userError('NOT_FOUND', error.message, 'input.version');
    if (error instanceof StrategyArchivedError) throw userError('CONFLICT', error.message, 'input.id');
    if (error instanceof StrategyNameTakenError) throw userError('CONFLICT', error.message, 'input.name');
    if (error instanceof StrategyLimitError) throw userError('CONFLICT', error.message);
    throw error;
  }
}
