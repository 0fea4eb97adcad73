import {
  DOCUMENT_LIMITS,
  type DocumentProblem,
  type ModelDefinition,
  type ModelFeatures,
  type StrategyDocument,
} from '@alphintra/core';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import strategySchemaJson from '../../../../schema/strategy.schema.json' with { type: 'json' };

/** Options of {@link validateStrategyDocument}. */
export interface ValidateDocumentOptions {
  /** Longest period the platform can warm up from its stored history; default (and at most) `DOCUMENT_LIMITS.maxPeriod`. */
  readonly maxPeriod?: number;
  /**
   * The model version the document pins, as the platform found it: its outputs are the names `{ "model": name }`
   * may read. Undefined = not looked up (only the document's own consistency is checked).
   */
  readonly model?: ModelDefinition;
}

/** The published JSON Schema of a strategy document (`schema/strategy.schema.json`). */
export const STRATEGY_DOCUMENT_SCHEMA: Readonly<Record<string, unknown>> = strategySchemaJson;

/** The outputs of each multi-output indicator type; the first is the default. Other types have one output. */
export const INDICATOR_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  MACD: ['line', 'signal', 'histogram'],
  BBANDS: ['middle', 'upper', 'lower', 'percentB'],
  STOCH: ['k', 'd'],
};

/**
 * Every problem of a would-be strategy document, each with the JSON pointer of where it is; empty means valid.
 * Checks the JSON Schema first, then what a schema cannot say (references, cycles, limits). Never throws, never
 * evaluates anything from the document.
 */
export function validateStrategyDocument(input: unknown, options: ValidateDocumentOptions = {}): DocumentProblem[] {
  const maxPeriod = effectiveMaxPeriod(options.maxPeriod);
  const problems = new Problems();
  try {
    if (!scan(input, problems)) return problems.list();
    if (!validateRoot(input)) translate(validateRoot.errors ?? [], '', maxPeriod, problems);
    checkSemantics(input, maxPeriod, problems, options.model);
  } catch {
    // Only a hostile object (a throwing getter, a proxy) gets here: JSON input cannot.
    problems.add('', 'the document could not be read as JSON data');
  }
  return problems.list();
}

/**
 * Every problem of a would-be model `features` definition (`registerModel`), with JSON pointers from it: the
 * schema's `$defs/modelFeatures`, then its indicator references, source cycles, unique input names, and that no
 * input reads a model.
 */
export function validateModelFeatures(input: unknown, options: ValidateDocumentOptions = {}): DocumentProblem[] {
  const maxPeriod = effectiveMaxPeriod(options.maxPeriod);
  const problems = new Problems();
  try {
    if (!scan(input, problems)) return problems.list();
    if (!validateFeatures(input)) translate(validateFeatures.errors ?? [], '', maxPeriod, problems);
    if (!isRecord(input)) return problems.list();
    const context = indicatorContext(member(input, 'indicators'), '/indicators', maxPeriod, problems, undefined);
    context.inFeatures = true;
    const inputs = member(input, 'inputs');
    if (Array.isArray(inputs)) {
      const names = new Map<string, number>();
      inputs.forEach((item, index) => {
        const path = pointer('/inputs', index);
        const name = member(item, 'name');
        if (typeof name === 'string') {
          const first = names.get(name);
          if (first === undefined) names.set(name, index);
          else problems.add(pointer(path, 'name'), `duplicates the name of input ${first}: input names must be unique`);
        }
        const value = member(item, 'value');
        if (value !== undefined) walkTree(() => walkExpr(value, pointer(path, 'value'), 1, context), context);
      });
    }
    if (context.nodes > DOCUMENT_LIMITS.maxNodes) {
      problems.add('', `has ${context.nodes} expression nodes: at most ${DOCUMENT_LIMITS.maxNodes} are allowed`);
    }
  } catch {
    problems.add('', 'the features could not be read as JSON data');
  }
  return problems.list();
}

/** Whether `input` is a valid model features definition. */
export function isValidModelFeatures(input: unknown): input is ModelFeatures {
  return validateModelFeatures(input).length === 0;
}

/** Whether `input` is a valid strategy document under the default limits. */
export function isValidStrategyDocument(input: unknown): input is StrategyDocument {
  return validateStrategyDocument(input).length === 0;
}

/** The names of a document's indicators, in document order. */
export function documentIndicatorNames(doc: StrategyDocument): string[] {
  return Object.keys(doc.indicators);
}

// ---------------------------------------------------------------------------------------------------------------
// The schema, compiled once.

interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly prefixItems?: readonly SchemaNode[];
  readonly items?: SchemaNode;
  readonly oneOf?: readonly SchemaNode[];
}

const SCHEMA_ID = 'urn:alphintra:schema:strategy:1';
const DEFS = (strategySchemaJson as { $defs: Record<string, SchemaNode> }).$defs;
const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
const validateRoot = ajv.compile(strategySchemaJson);
const validateFeatures = ajv.getSchema(`${SCHEMA_ID}#/$defs/modelFeatures`) as ValidateFunction;

/** A union of the schema (a `$defs` entry with `oneOf`) and how to tell which branch a value meant. */
interface Union {
  readonly noun: string;
  readonly branches: readonly Branch[];
}
interface Branch {
  readonly validate: ValidateFunction;
  /** A primitive branch: the JSON type it takes (`number`, `string`). */
  readonly primitive?: string;
  /** An object branch told apart by its `type` property: the types it takes. */
  readonly types?: readonly string[];
  /** An object branch told apart by its keys: any of these present selects it. */
  readonly keys?: readonly string[];
  readonly enumValues?: readonly unknown[];
}

const NOUNS: Readonly<Record<string, string>> = {
  expr: 'expression',
  condition: 'condition',
  source: 'source',
  indicator: 'indicator',
  level: 'level',
  sizing: 'sizing',
};

const UNIONS_BY_BRANCHES: ReadonlyMap<string, Union> = new Map(
  Object.entries(DEFS)
    .filter(([, def]) => def.oneOf !== undefined)
    .map(([name, def]) => [
      JSON.stringify(def.oneOf),
      { noun: NOUNS[name] ?? name, branches: (def.oneOf ?? []).map(branchOf) },
    ]),
);

function defName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function branchOf(node: SchemaNode): Branch {
  const name = defName(node.$ref ?? '');
  const def = DEFS[name] ?? {};
  const validate = ajv.getSchema(`${SCHEMA_ID}#/$defs/${name}`);
  if (validate === undefined) throw new Error(`strategy schema: no $defs/${name}`);
  if (def.enum !== undefined) return { validate, primitive: typeof def.enum[0], enumValues: def.enum };
  if (def.type !== 'object') return { validate, primitive: def.type === 'integer' ? 'number' : (def.type ?? '') };
  const type = def.properties?.['type'];
  if (type !== undefined) {
    return { validate, types: (type.enum ?? [type.const]).filter((t): t is string => typeof t === 'string') };
  }
  return { validate, keys: def.required ?? [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Problems and paths.

/** Problems in the order found, without duplicates, at most `MAX_PROBLEMS` of them. */
class Problems {
  readonly #seen = new Set<string>();
  readonly #list: DocumentProblem[] = [];
  #dropped = 0;

  add(path: string, message: string): void {
    const key = `${path}\u0000${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.#list.length < MAX_PROBLEMS) this.#list.push({ path, message });
    else this.#dropped += 1;
  }

  list(): DocumentProblem[] {
    if (this.#dropped === 0) return [...this.#list];
    return [...this.#list, { path: '', message: `and ${this.#dropped} more problems not listed` }];
  }
}

/** Enough for any document that is merely wrong; more means junk, and a longer list would help nobody. */
const MAX_PROBLEMS = 200;

function pointer(base: string, key: string | number): string {
  return `${base}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function member(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** A short, safe rendering of a value the user wrote, for a message. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function quoteList(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? JSON.stringify(value) : String(value))).join(', ');
}

function effectiveMaxPeriod(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested) || requested < 1) return DOCUMENT_LIMITS.maxPeriod;
  return Math.min(Math.floor(requested), DOCUMENT_LIMITS.maxPeriod);
}

// ---------------------------------------------------------------------------------------------------------------
// Before the schema: bound the work, whatever the input.

/** Far deeper than any valid document (about 40 levels at `maxDepth`), far shallower than a stack overflow. */
const MAX_JSON_DEPTH = 64;
/** Far more values than any valid document holds (about 2,000 at every limit). */
const MAX_JSON_VALUES = 20_000;

/**
 * Walks the input without recursion; reports and returns false when it is too deep or too large to validate
 * (including cyclic objects), and reports numbers JSON cannot hold.
 */
function scan(input: unknown, problems: Problems): boolean {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 1 }];
  let count = 0;
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    count += 1;
    if (count > MAX_JSON_VALUES) {
      problems.add('', `the document is too large: more than ${MAX_JSON_VALUES} values`);
      return false;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) problems.add(path, 'must be a finite number');
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      problems.add(path, `nested too deeply: more than ${MAX_JSON_DEPTH} levels`);
      return false;
    }
    if (Array.isArray(value)) {
      if (value.length > MAX_JSON_VALUES) {
        problems.add(path, `too large: ${value.length} items`);
        return false;
      }
      for (let i = value.length - 1; i >= 0; i -= 1)
        stack.push({ value: value[i], path: pointer(path, i), depth: depth + 1 });
    } else {
      const keys = Object.keys(value);
      if (keys.length > MAX_JSON_VALUES) {
        problems.add(path, `too large: ${keys.length} properties`);
        return false;
      }
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i] as string;
        stack.push({ value: (value as Record<string, unknown>)[key], path: pointer(path, key), depth: depth + 1 });
      }
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Schema errors, in words.

/**
 * Turns ajv's errors for `data` (at `base`) into problems. A failed `oneOf` makes ajv report every branch's
 * errors; instead, the branch the value meant is picked from the value itself (its `type`, or its one operator
 * key) and only that branch's errors are kept, or, when no branch fits, one message listing what would.
 */
function translate(errors: readonly ErrorObject[], base: string, maxPeriod: number, problems: Problems): void {
  const unionPaths = errors.filter((error) => error.keyword === 'oneOf').map((error) => error.instancePath);
  const explained = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'oneOf') {
      const path = error.instancePath;
      // Only the outermost failed union at a path is explained: the ones inside it are re-checked from there.
      if (explained.has(path) || unionPaths.some((outer) => outer !== path && isUnder(path, outer))) continue;
      explained.add(path);
      explainUnion(unionOf(error), error.data, base + path, maxPeriod, problems);
    } else if (!unionPaths.some((outer) => isUnder(error.instancePath, outer))) {
      explainLeaf(error, base, maxPeriod, problems);
    }
  }
}

/** The union a failed `oneOf` belongs to (ajv's schema paths restart at each `$ref`, so by its branches). */
function unionOf(error: ErrorObject): Union | undefined {
  return UNIONS_BY_BRANCHES.get(JSON.stringify(error.schema));
}

function isUnder(path: string, outer: string): boolean {
  return path === outer || path.startsWith(`${outer}/`);
}

function explainUnion(
  union: Union | undefined,
  value: unknown,
  path: string,
  maxPeriod: number,
  problems: Problems,
): void {
  if (union === undefined) {
    problems.add(path, 'does not match the schema');
    return;
  }
  const candidates = union.branches.filter((branch) => fits(branch, value));
  const [only] = candidates;
  if (candidates.length === 1 && only !== undefined) {
    if (!only.validate(value)) translate(only.validate.errors ?? [], path, maxPeriod, problems);
    return;
  }
  const typed = union.branches.filter((branch) => branch.types !== undefined);
  if (typed.length > 0 && isRecord(value)) {
    const types = typed.flatMap((branch) => branch.types ?? []);
    const type = member(value, 'type');
    if (type === undefined) problems.add(pointer(path, 'type'), `is required: one of ${quoteList(types)}`);
    else problems.add(pointer(path, 'type'), `must be one of ${quoteList(types)} (got ${shown(type)})`);
    return;
  }
  if (candidates.length > 1) {
    const present = candidates.map((branch) => (branch.keys ?? []).find((key) => member(value, key) !== undefined));
    problems.add(path, `has ${quoteList(present)}: ${withArticle(union.noun)} has exactly one of them`);
    return;
  }
  problems.add(path, `must be ${alternatives(union)} (got ${describeValue(value)})`);
}

function fits(branch: Branch, value: unknown): boolean {
  if (branch.primitive !== undefined) return typeof value === branch.primitive;
  if (!isRecord(value)) return false;
  if (branch.types !== undefined) return branch.types.includes(member(value, 'type') as string);
  return (branch.keys ?? []).some((key) => Object.hasOwn(value, key));
}

function alternatives(union: Union): string {
  const parts: string[] = [];
  const keys: string[] = [];
  for (const branch of union.branches) {
    if (branch.enumValues !== undefined) parts.push(`one of ${quoteList(branch.enumValues)}`);
    else if (branch.primitive !== undefined) parts.push(`a ${branch.primitive}`);
    else if (branch.keys?.[0] !== undefined) {
      const [key, ...others] = branch.keys;
      keys.push(others.length === 0 ? `"${key}"` : `"${key}" (with ${quoteList(others)})`);
    }
  }
  if (keys.length === 1) parts.push(`an object with ${keys[0]}`);
  else if (keys.length > 1) parts.push(`an object with exactly one of ${keys.join(', ')}`);
  const types = union.branches.flatMap((branch) => branch.types ?? []);
  if (types.length > 0) parts.push(`an object whose "type" is one of ${quoteList(types)}`);
  return `${withArticle(union.noun)}: ${parts.join(', or ')}`;
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function describeValue(value: unknown): string {
  if (!isRecord(value)) return shown(value);
  const keys = Object.keys(value);
  if (keys.length === 0) return 'an empty object';
  return `an object with ${quoteList(keys.slice(0, 5))}${keys.length > 5 ? ', …' : ''}`;
}

const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [DEFS['indicatorName']?.pattern ?? '']:
    'must be a letter followed by up to 31 letters, digits or underscores (e.g. "fast", "ema_21")',
  [DEFS['rule']?.properties?.['id']?.pattern ?? '']:
    'must be 1 to 40 letters, digits, "_" or "-" (e.g. "golden-cross")',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  object: 'an object',
  array: 'a list',
  boolean: 'true or false',
};

function explainLeaf(error: ErrorObject, base: string, maxPeriod: number, problems: Problems): void {
  const path = base + error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  switch (error.keyword) {
    case 'required':
      problems.add(pointer(path, String(params['missingProperty'])), 'is required');
      return;
    case 'additionalProperties': {
      const allowed = Object.keys(parent.properties ?? {});
      problems.add(
        pointer(path, String(params['additionalProperty'])),
        `is not allowed here${allowed.length > 0 ? `: the properties are ${quoteList(allowed)}` : ''}`,
      );
      return;
    }
    case 'propertyNames':
      problems.add(
        pointer(path, String(params['propertyName'])),
        `is not a valid name: it ${PATTERN_MESSAGES[DEFS['indicatorName']?.pattern ?? ''] ?? 'must match the name pattern'}`,
      );
      return;
    case 'type': {
      const expected = String(params['type'])
        .split(',')
        .map((type) => TYPE_NAMES[type] ?? type)
        .join(' or ');
      problems.add(path, `must be ${expected} (got ${shown(error.data)})`);
      return;
    }
    case 'enum':
      problems.add(
        path,
        `must be one of ${quoteList(params['allowedValues'] as unknown[])} (got ${shown(error.data)})`,
      );
      return;
    case 'const':
      problems.add(path, `must be ${quoteList([params['allowedValue']])} (got ${shown(error.data)})`);
      return;
    case 'pattern':
      // The pattern error under `propertyNames` repeats that one, on the object's path.
      if ('propertyName' in error) return;
      problems.add(path, PATTERN_MESSAGES[String(params['pattern'])] ?? `must match ${String(params['pattern'])}`);
      return;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      if (error.schemaPath === '#/$defs/period/maximum') {
        problems.add(path, periodMessage(error.data, maxPeriod));
        return;
      }
      const words = {
        minimum: 'at least',
        maximum: 'at most',
        exclusiveMinimum: 'greater than',
        exclusiveMaximum: 'less than',
      }[error.keyword];
      problems.add(path, `must be ${words} ${String(params['limit'])} (got ${shown(error.data)})`);
      return;
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number(params['limit']);
      if (parent.prefixItems !== undefined) {
        const noun = nounOf(parent.prefixItems[0]);
        problems.add(path, `must be a list of exactly ${limit} ${noun}s`);
        return;
      }
      const noun = nounOf(parent.items);
      const words = error.keyword === 'minItems' ? 'at least' : 'at most';
      problems.add(path, `must have ${words} ${limit} ${noun}${limit === 1 ? '' : 's'}`);
      return;
    }
    case 'maxProperties':
      problems.add(path, `must have at most ${String(params['limit'])} entries`);
      return;
    default:
      problems.add(path, error.message ?? 'does not match the schema');
  }
}

function nounOf(node: SchemaNode | undefined): string {
  const name = defName(node?.$ref ?? '');
  return NOUNS[name] ?? (name === '' ? 'item' : name);
}

function periodMessage(value: unknown, maxPeriod: number): string {
  const limit = maxPeriod < DOCUMENT_LIMITS.maxPeriod ? ', the longest this platform can warm up' : '';
  return `must be at most ${maxPeriod} candles${limit} (got ${shown(value)})`;
}

// ---------------------------------------------------------------------------------------------------------------
// What the schema cannot say. Written for any input: every access checks its type, since it runs even when the
// schema failed, so that a user sees every problem at once.

const PERIOD_KEYS = ['period', 'fast', 'slow', 'signal', 'k', 'd'] as const;
const PAIR_OPS = ['add', 'sub', 'mul', 'div', 'min', 'max'] as const;
const PAIR_CONDITIONS = ['crossesAbove', 'crossesBelow', 'gt', 'gte', 'lt', 'lte', 'between'] as const;

interface Context {
  readonly indicators: ReadonlyMap<string, Record<string, unknown>>;
  readonly problems: Problems;
  nodes: number;
  /** Whether the tree being walked already reported its depth. */
  deepReported: boolean;
  /** Whether the document names a model (`{ "model": name }` may be read). */
  hasModel: boolean;
  /** The model's definition, when the caller looked it up. */
  readonly model: ModelDefinition | undefined;
  /** Walking a model's inputs, which read no model. */
  inFeatures: boolean;
}

/** Checks indicator definitions (periods, MACD order, references, cycles) and returns the context to walk with. */
function indicatorContext(
  definitions: unknown,
  base: string,
  maxPeriod: number,
  problems: Problems,
  model: ModelDefinition | undefined,
): Context {
  const indicators = new Map<string, Record<string, unknown>>();
  if (isRecord(definitions)) {
    for (const [name, spec] of Object.entries(definitions)) if (isRecord(spec)) indicators.set(name, spec);
  }
  const context: Context = {
    indicators,
    problems,
    nodes: 0,
    deepReported: false,
    hasModel: false,
    model,
    inFeatures: false,
  };
  for (const [name, spec] of indicators) {
    const path = pointer(base, name);
    for (const key of PERIOD_KEYS) {
      const value = member(spec, key);
      if (typeof value === 'number' && value > maxPeriod && value <= DOCUMENT_LIMITS.maxPeriod) {
        problems.add(pointer(path, key), periodMessage(value, maxPeriod));
      }
    }
    const fast = member(spec, 'fast');
    const slow = member(spec, 'slow');
    if (member(spec, 'type') === 'MACD' && typeof fast === 'number' && typeof slow === 'number' && fast >= slow) {
      problems.add(pointer(path, 'fast'), `must be less than the slow period (${fast} >= ${slow})`);
    }
    const source = member(spec, 'source');
    if (isRecord(source)) checkReference(source, pointer(path, 'source'), context);
  }
  checkSourceCycles(indicators, base, problems);
  return context;
}

function checkSemantics(
  input: unknown,
  maxPeriod: number,
  problems: Problems,
  model: ModelDefinition | undefined,
): void {
  if (!isRecord(input)) return;
  const context = indicatorContext(member(input, 'indicators'), '/indicators', maxPeriod, problems, model);
  context.hasModel = isRecord(member(input, 'model'));

  const rules = member(input, 'rules');
  if (Array.isArray(rules)) {
    const ids = new Map<string, number>();
    rules.forEach((rule, index) => {
      const path = pointer('/rules', index);
      const id = member(rule, 'id');
      if (typeof id === 'string') {
        const first = ids.get(id);
        if (first === undefined) ids.set(id, index);
        else problems.add(pointer(path, 'id'), `duplicates the id of rule ${first}: rule ids must be unique`);
      }
      const when = member(rule, 'when');
      if (when !== undefined) walkTree(() => walkCondition(when, pointer(path, 'when'), 1, context), context);
      const confidence = member(rule, 'confidence');
      if (confidence !== undefined) {
        walkTree(() => walkExpr(confidence, pointer(path, 'confidence'), 1, context), context);
      }
    });
  }

  for (const key of ['stopLoss', 'takeProfit'] as const) {
    const level = member(input, key);
    const atr = member(level, 'atr');
    if (typeof atr === 'string') {
      const spec = context.indicators.get(atr);
      const path = pointer(pointer('', key), 'atr');
      if (spec === undefined) problems.add(path, unknownIndicator(atr, context.indicators));
      else if (member(spec, 'type') !== 'ATR') {
        problems.add(path, `must name an ATR indicator: "${atr}" is ${String(member(spec, 'type'))}`);
      }
    }
    const price = member(level, 'price');
    if (price !== undefined) walkTree(() => walkExpr(price, pointer(pointer('', key), 'price'), 1, context), context);
  }
  const confidence = member(input, 'confidence');
  if (confidence !== undefined) walkTree(() => walkExpr(confidence, '/confidence', 1, context), context);

  if (context.nodes > DOCUMENT_LIMITS.maxNodes) {
    problems.add(
      '',
      `has ${context.nodes} expression and condition nodes: at most ${DOCUMENT_LIMITS.maxNodes} are allowed`,
    );
  }
}

function walkTree(walk: () => void, context: Context): void {
  context.deepReported = false;
  walk();
}

function enter(path: string, depth: number, context: Context): void {
  context.nodes += 1;
  if (depth > DOCUMENT_LIMITS.maxDepth && !context.deepReported) {
    context.deepReported = true;
    context.problems.add(path, `is nested too deeply: at most ${DOCUMENT_LIMITS.maxDepth} levels are allowed`);
  }
}

function walkCondition(condition: unknown, path: string, depth: number, context: Context): void {
  enter(path, depth, context);
  if (!isRecord(condition)) return;
  for (const op of PAIR_CONDITIONS) {
    const operands = member(condition, op);
    if (!Array.isArray(operands)) continue;
    const at = pointer(path, op);
    operands.forEach((operand, index) => {
      walkExpr(operand, pointer(at, index), depth + 1, context);
    });
    const [, low, high] = operands;
    if (op === 'between' && typeof low === 'number' && typeof high === 'number' && low > high) {
      context.problems.add(at, `can never hold: its low bound ${low} is above its high bound ${high}`);
    }
  }
  for (const op of ['and', 'or'] as const) {
    const list = member(condition, op);
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      walkCondition(item, pointer(pointer(path, op), index), depth + 1, context);
    });
  }
  const not = member(condition, 'not');
  if (not !== undefined) walkCondition(not, pointer(path, 'not'), depth + 1, context);
  const forBars = member(condition, 'forBars');
  const cond = member(forBars, 'cond');
  if (cond !== undefined) walkCondition(cond, pointer(pointer(path, 'forBars'), 'cond'), depth + 1, context);
}

function walkExpr(expr: unknown, path: string, depth: number, context: Context): void {
  enter(path, depth, context);
  if (!isRecord(expr)) return;
  if (Object.hasOwn(expr, 'ind')) checkReference(expr, path, context);
  if (Object.hasOwn(expr, 'model')) checkModelReference(expr, path, context);
  for (const op of PAIR_OPS) {
    const operands = member(expr, op);
    if (!Array.isArray(operands)) continue;
    operands.forEach((operand, index) => {
      walkExpr(operand, pointer(pointer(path, op), index), depth + 1, context);
    });
  }
  const abs = member(expr, 'abs');
  if (abs !== undefined) walkExpr(abs, pointer(path, 'abs'), depth + 1, context);
}

/** `{ ind, out }` at `path`: the indicator exists and has that output. */
function checkReference(ref: Record<string, unknown>, path: string, context: Context): void {
  const name = member(ref, 'ind');
  if (typeof name !== 'string') return;
  const spec = context.indicators.get(name);
  if (spec === undefined) {
    context.problems.add(pointer(path, 'ind'), unknownIndicator(name, context.indicators));
    return;
  }
  const out = member(ref, 'out');
  const type = member(spec, 'type');
  if (typeof out !== 'string' || typeof type !== 'string') return;
  // An output no indicator has is the schema's to report.
  if (!Object.values(INDICATOR_OUTPUTS).some((outputs) => outputs.includes(out))) return;
  const outputs = INDICATOR_OUTPUTS[type];
  if (outputs === undefined) {
    context.problems.add(pointer(path, 'out'), `"${name}" (${type}) has a single output: remove "out"`);
  } else if (!outputs.includes(out)) {
    context.problems.add(
      pointer(path, 'out'),
      `"${name}" (${type}) has the outputs ${quoteList(outputs)} (got ${shown(out)})`,
    );
  }
}

/** `{ model }` at `path`: the document names a model, which has that output; never in a model's own inputs. */
function checkModelReference(ref: Record<string, unknown>, path: string, context: Context): void {
  const name = member(ref, 'model');
  if (typeof name !== 'string') return;
  const at = pointer(path, 'model');
  if (context.inFeatures) {
    context.problems.add(at, "a model's input cannot read a model's output");
  } else if (!context.hasModel) {
    context.problems.add(at, 'the document names no model: add "model" (a registered version, see Query.models)');
  } else if (context.model !== undefined && !context.model.outputs.includes(name)) {
    context.problems.add(
      at,
      `model "${context.model.name}" v${context.model.version} has the outputs ${quoteList(context.model.outputs)} (got ${shown(name)})`,
    );
  }
}

function unknownIndicator(name: string, indicators: ReadonlyMap<string, unknown>): string {
  const defined = [...indicators.keys()];
  const known = defined.length === 0 ? 'the document defines none' : `defined: ${quoteList(defined.slice(0, 32))}`;
  return `no indicator is named ${shown(name)} (${known})`;
}

/**
 * Each indicator reads at most one other, so the sources form a functional graph: following each chain, a cycle
 * is met when the walk comes back to a node of its own chain. Each cycle is reported once, at its first member.
 */
function checkSourceCycles(
  indicators: ReadonlyMap<string, Record<string, unknown>>,
  base: string,
  problems: Problems,
): void {
  const next = (name: string): string | undefined => {
    const target = member(member(indicators.get(name), 'source'), 'ind');
    return typeof target === 'string' && indicators.has(target) ? target : undefined;
  };
  const walkOf = new Map<string, number>();
  let walk = 0;
  for (const start of indicators.keys()) {
    if (walkOf.has(start)) continue;
    walk += 1;
    const chain: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !walkOf.has(current)) {
      walkOf.set(current, walk);
      chain.push(current);
      current = next(current);
    }
    if (current === undefined || walkOf.get(current) !== walk) continue;
    const cycle = chain.slice(chain.indexOf(current));
    problems.add(
      pointer(pointer(pointer(base, current), 'source'), 'ind'),
      `makes a cycle of indicator sources: ${[...cycle, current].map((name) => `"${name}"`).join(' -> ')}`,
    );
  }
}
