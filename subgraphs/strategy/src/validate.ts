import type { Identity } from '@alphintra/auth';
import type { DocumentProblem, StrategyDocument, StrategySource } from '@alphintra/core';
import { getInstrument } from '@alphintra/db';
import { templateById, validateStrategyDocument } from '@alphintra/engine';
import { badInput, checkModelPin, problemsError } from '@alphintra/subgraph-kit';
import type { CreateStrategyInput, UpdateStrategyInput } from './__generated__/resolvers.ts';
import type { StrategyServiceDeps } from './context.ts';

/** Longest change note kept. */
const MAX_CHANGE_NOTE = 500;

/** A create input, checked and normalized: symbols upper-cased, the document resolved from a template if named. */
export interface ValidCreateInput {
  readonly name: string;
  /** `AI_ML` when the document names a model. */
  readonly source: StrategySource;
  readonly symbols: string[];
  readonly document: StrategyDocument;
  readonly changeNote: string | null;
}

/** An update input, checked: what is absent stays as it is. */
export interface ValidUpdateInput {
  readonly document: StrategyDocument | undefined;
  readonly symbols: string[] | undefined;
  readonly changeNote: string | null;
}

/**
 * Every problem of a would-be document: whether the model it names is a registered version the caller may use with
 * that checksum, the validator's (with the platform's `maxPeriod`, and the model's outputs), then whether the
 * platform builds candles of its interval.
 */
export async function documentProblems(
  deps: StrategyServiceDeps,
  identity: Identity,
  document: unknown,
): Promise<DocumentProblem[]> {
  const { model, problem } = await checkModelPin(deps.db, identity, document);
  const problems = [
    ...(problem === undefined ? [] : [problem]),
    ...validateStrategyDocument(document, {
      ...(deps.maxPeriod === undefined ? {} : { maxPeriod: deps.maxPeriod }),
      ...(model === undefined ? {} : { model }),
    }),
  ];
  if (problems.length > 0) return problems;
  const { interval } = document as StrategyDocument;
  if (!deps.intervals.includes(interval)) {
    return [
      {
        path: '/interval',
        message: `the platform builds no ${interval} candles; use one of ${deps.intervals.join(', ')}`,
      },
    ];
  }
  return [];
}

async function checkDocument(
  deps: StrategyServiceDeps,
  identity: Identity,
  document: unknown,
): Promise<StrategyDocument> {
  const problems = await documentProblems(deps, identity, document);
  if (problems.length > 0) throw problemsError('input.document', problems);
  return document as StrategyDocument;
}

/**
 * Symbols upper-cased and deduplicated; each must be an instrument the market data source lists as trading (the
 * `instruments` table it keeps).
 */
async function checkSymbols(deps: StrategyServiceDeps, given: readonly string[], field: string): Promise<string[]> {
  const symbols = [...new Set(given.map((s) => s.trim().toUpperCase()))];
  if (symbols.length === 0) throw badInput(field, 'give at least one symbol');
  for (const symbol of symbols) {
    const instrument = await getInstrument(deps.db, symbol);
    if (instrument === undefined) {
      throw badInput(
        field,
        `unknown symbol "${symbol}": the market data source does not list it (see Query.instruments)`,
      );
    }
    if (instrument.status !== 'TRADING') {
      throw badInput(field, `symbol "${symbol}" is not trading now (status ${instrument.status})`);
    }
  }
  return symbols;
}

function checkChangeNote(note: string | null | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  if (trimmed.length > MAX_CHANGE_NOTE)
    throw badInput('input.changeNote', `must be at most ${MAX_CHANGE_NOTE} characters`);
  return trimmed.length === 0 ? null : trimmed;
}

/** Checks a `createStrategy` input; throws BAD_USER_INPUT naming the field at fault (every document problem at once). */
export async function validateCreateInput(
  deps: StrategyServiceDeps,
  identity: Identity,
  input: CreateStrategyInput,
): Promise<ValidCreateInput> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw badInput('input.name', 'must be 1 to 100 characters');
  const hasDocument = input.document !== undefined && input.document !== null;
  const hasTemplate = input.template !== undefined && input.template !== null;
  if (hasDocument === hasTemplate) {
    throw badInput(hasDocument ? 'input.template' : 'input.document', 'give exactly one of document and template');
  }
  let document: StrategyDocument;
  if (hasTemplate) {
    const template = templateById(String(input.template));
    if (!template)
      throw badInput('input.template', `unknown template "${input.template}" (see Query.strategyTemplates)`);
    const [problem] = await documentProblems(deps, identity, template.document);
    if (problem) throw badInput('input.template', `${problem.path}: ${problem.message}`);
    document = template.document;
  } else {
    document = await checkDocument(deps, identity, input.document);
  }
  if (input.source === 'AI_ML' && document.model === undefined) {
    throw badInput('input.source', 'AI_ML needs a document that names a model ("model": { name, version, checksum })');
  }
  const symbols = await checkSymbols(deps, input.symbols, 'input.symbols');
  const source: StrategySource = document.model === undefined ? 'NO_CODE' : 'AI_ML';
  return { name, source, symbols, document, changeNote: checkChangeNote(input.changeNote) };
}

/** Checks an `updateStrategy` input: a document, symbols, or both. */
export async function validateUpdateInput(
  deps: StrategyServiceDeps,
  identity: Identity,
  input: UpdateStrategyInput,
): Promise<ValidUpdateInput> {
  const hasDocument = input.document !== undefined && input.document !== null;
  if (!hasDocument && !input.symbols) throw badInput('input.document', 'give a document, symbols, or both');
  const document = hasDocument ? await checkDocument(deps, identity, input.document) : undefined;
  const symbols = input.symbols ? await checkSymbols(deps, input.symbols, 'input.symbols') : undefined;
  return { document, symbols, changeNote: checkChangeNote(input.changeNote) };
}
