import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { StrategyRecord as StrategyModel, StrategyVersionRecord as StrategyVersionModel, StrategyRunRecord as StrategyRunModel, ApiKeyRecord as ApiKeyModel, AuditRecord as AuditRecordModel, ModelRecord as ModelModel, ModelVersionRecord as ModelVersionModel } from '@alphintra/db';
import type { VersionStats, StrategyContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in UTC, as an ISO 8601 string with milliseconds. */
  DateTime: { input: Date | string | number; output: Date | string | number; }
  /** Any JSON value. Strategy documents travel as JSON; their JSON Schema is published as schema/strategy.schema.json. */
  JSON: { input: unknown; output: unknown; }
  _FieldSet: { input: unknown; output: unknown; }
};

export type ActivateStrategyInput = {
  id: Scalars['ID']['input'];
  mode?: InputMaybe<StrategyMode>;
  /** Default: the current version. */
  version?: InputMaybe<Scalars['Int']['input']>;
};

export type ActivateStrategyPayload = {
  __typename?: 'ActivateStrategyPayload';
  strategy: Strategy;
};

/** A key for machine clients, sent as `Authorization: Bearer <key>`; it acts as its owner with its own role. */
export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['DateTime']['output'];
  /** Null: it does not expire. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** The `sub` it acts as. */
  owner: Scalars['String']['output'];
  /** Set once it is revoked: no request is accepted with it from then on. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  role: Role;
};

export type ArchiveStrategyInput = {
  id: Scalars['ID']['input'];
};

export type ArchiveStrategyPayload = {
  __typename?: 'ArchiveStrategyPayload';
  strategy: Strategy;
};

export type AuditFilter = {
  actor?: InputMaybe<Scalars['String']['input']>;
  entityId?: InputMaybe<Scalars['ID']['input']>;
  entityType?: InputMaybe<Scalars['String']['input']>;
  /** From this time (inclusive). */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  operation?: InputMaybe<Scalars['String']['input']>;
  outcome?: InputMaybe<AuditOutcome>;
  /** Up to this time (exclusive). */
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** How a mutation ended: REFUSED when the caller was not allowed, FAILED for any other error. */
export type AuditOutcome =
  | 'FAILED'
  | 'REFUSED'
  | 'SUCCEEDED';

/** One mutation: who, when, what, on which entity and version, and how it ended. */
export type AuditRecord = {
  __typename?: 'AuditRecord';
  /** The caller's `sub`. */
  actor: Scalars['String']['output'];
  actorRole: Role;
  /** The API key the caller used, if any. */
  apiKeyId?: Maybe<Scalars['ID']['output']>;
  at: Scalars['DateTime']['output'];
  entityId?: Maybe<Scalars['ID']['output']>;
  /** strategy, webhook, webhookDelivery, apiKey or model. */
  entityType?: Maybe<Scalars['String']['output']>;
  /** The strategy version the mutation made or acted on. */
  entityVersion?: Maybe<Scalars['Int']['output']>;
  /** The error code and message of a FAILED or REFUSED mutation. */
  error?: Maybe<Scalars['String']['output']>;
  /** The mutation, e.g. updateStrategy. */
  operation: Scalars['String']['output'];
  outcome: AuditOutcome;
  /** Orders the records (a 64-bit integer as a string). */
  sequence: Scalars['String']['output'];
};

export type AuditRecordConnection = {
  __typename?: 'AuditRecordConnection';
  edges: Array<AuditRecordEdge>;
  pageInfo: PageInfo;
};

export type AuditRecordEdge = {
  __typename?: 'AuditRecordEdge';
  cursor: Scalars['String']['output'];
  node: AuditRecord;
};

export type CreateApiKeyInput = {
  /** Must be in the future; null: it does not expire. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** 1 to 100 characters. */
  name: Scalars['String']['input'];
  /** At most the caller's own role. */
  role: Role;
};

/** A new key with its secret (`alk_...`): shown here only, keep it. */
export type CreateApiKeyPayload = {
  __typename?: 'CreateApiKeyPayload';
  apiKey: ApiKey;
  key: Scalars['String']['output'];
};

export type CreateStrategyInput = {
  /** Start running version 1 at once. */
  activate?: InputMaybe<Scalars['Boolean']['input']>;
  changeNote?: InputMaybe<Scalars['String']['input']>;
  /** The strategy document; give it or `template`, not both. */
  document?: InputMaybe<Scalars['JSON']['input']>;
  /** The mode it runs in when `activate` is true. */
  mode?: InputMaybe<StrategyMode>;
  name: Scalars['String']['input'];
  /**
   * Follows the document: `AI_ML` when it names a model (`"model": { name, version, checksum }`), else `NO_CODE`;
   * `AI_ML` with a document that names no model is BAD_USER_INPUT.
   */
  source?: InputMaybe<StrategySource>;
  /** Symbols of known instruments (see Query.instruments). */
  symbols: Array<Scalars['String']['input']>;
  /** A template id (see Query.strategyTemplates) whose document to use. */
  template?: InputMaybe<Scalars['ID']['input']>;
  visibility?: InputMaybe<StrategyVisibility>;
};

export type CreateStrategyPayload = {
  __typename?: 'CreateStrategyPayload';
  strategy: Strategy;
};

export type DeactivateStrategyInput = {
  id: Scalars['ID']['input'];
  /** Default: every running version. */
  version?: InputMaybe<Scalars['Int']['input']>;
};

export type DeactivateStrategyPayload = {
  __typename?: 'DeactivateStrategyPayload';
  strategy: Strategy;
};

/** One thing wrong with a document, e.g. path `/rules/0/when/crossesAbove/1/ind`. */
export type DocumentProblem = {
  __typename?: 'DocumentProblem';
  message: Scalars['String']['output'];
  path: Scalars['String']['output'];
};

/**
 * A registered ONNX model. Registering under a name already yours makes a new immutable version; an AI_ML strategy
 * document pins one version by number and checksum (`"model": { name, version, checksum }`).
 */
export type Model = {
  __typename?: 'Model';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Unique name. */
  name: Scalars['String']['output'];
  /** The `sub` of who registered it. */
  owner: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** The newest version, from 1. */
  version: Scalars['Int']['output'];
  /** Every version, oldest first. */
  versions: Array<ModelVersion>;
  /** PRIVATE: its owner and admins read and use it; PUBLIC: anyone authenticated does. */
  visibility: StrategyVisibility;
};

export type ModelConnection = {
  __typename?: 'ModelConnection';
  edges: Array<ModelEdge>;
  pageInfo: PageInfo;
};

export type ModelEdge = {
  __typename?: 'ModelEdge';
  cursor: Scalars['String']['output'];
  node: Model;
};

/** One immutable version of a model (its ONNX bytes are kept, never shown). */
export type ModelVersion = {
  __typename?: 'ModelVersion';
  /** `sha256:` and the hex SHA-256 of the ONNX bytes: what a document pins. */
  checksum: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /**
   * What the model reads, in the document language: `{ indicators: { name: indicator }, inputs: [{ name, value }] }`,
   * one input per column of its input tensor (JSON Schema: `$defs/modelFeatures` of schema/strategy.schema.json).
   */
  features: Scalars['JSON']['output'];
  /** The names of its output tensor's columns; a document reads one as `{ "model": name }`. */
  outputs: Array<Scalars['String']['output']>;
  /** Size of the ONNX bytes. */
  sizeBytes: Scalars['Int']['output'];
  version: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Runs a version (the engine picks it up at the next candle); beside any other running version. */
  activateStrategy: ActivateStrategyPayload;
  /** Retires the strategy for good: it stops running and can no longer change. */
  archiveStrategy: ArchiveStrategyPayload;
  /** Creates an API key for the caller; the payload carries the key, shown only here. */
  createApiKey: CreateApiKeyPayload;
  createStrategy: CreateStrategyPayload;
  /** Stops one running version, or all. */
  deactivateStrategy: DeactivateStrategyPayload;
  /** Runs the version LIVE, stops every other version, and makes it the current one. */
  promoteStrategy: PromoteStrategyPayload;
  /**
   * Stores an ONNX model as a new immutable, checksummed version, after checking that it loads, that its input and
   * output shapes match `features` and `outputs`, and that a dry run on zeros answers.
   */
  registerModel: RegisterModelPayload;
  /**
   * Ends a key at once, in every gateway process: no request is accepted with it, and its open subscriptions end (the
   * caller's own; an admin's: anyone's).
   */
  revokeApiKey: RevokeApiKeyPayload;
  /** Makes a new version with an earlier version's document and symbols; history is kept. */
  rollbackStrategy: RollbackStrategyPayload;
  /** Publishes a strategy (PUBLIC: anyone authenticated reads it and its signals) or makes it private again. */
  setStrategyVisibility: SetStrategyVisibilityPayload;
  /**
   * Makes a new version. A version of the strategy running LIVE as its current version moves to the new one; other
   * runs keep their versions.
   */
  updateStrategy: UpdateStrategyPayload;
};


export type MutationActivateStrategyArgs = {
  input: ActivateStrategyInput;
};


export type MutationArchiveStrategyArgs = {
  input: ArchiveStrategyInput;
};


export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


export type MutationCreateStrategyArgs = {
  input: CreateStrategyInput;
};


export type MutationDeactivateStrategyArgs = {
  input: DeactivateStrategyInput;
};


export type MutationPromoteStrategyArgs = {
  input: PromoteStrategyInput;
};


export type MutationRegisterModelArgs = {
  input: RegisterModelInput;
};


export type MutationRevokeApiKeyArgs = {
  input: RevokeApiKeyInput;
};


export type MutationRollbackStrategyArgs = {
  input: RollbackStrategyInput;
};


export type MutationSetStrategyVisibilityArgs = {
  input: SetStrategyVisibilityInput;
};


export type MutationUpdateStrategyArgs = {
  input: UpdateStrategyInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PromoteStrategyInput = {
  id: Scalars['ID']['input'];
  version: Scalars['Int']['input'];
};

export type PromoteStrategyPayload = {
  __typename?: 'PromoteStrategyPayload';
  strategy: Strategy;
};

export type Query = {
  __typename?: 'Query';
  /** The caller's API keys, newest first (an admin sees everyone's). */
  apiKeys: Array<ApiKey>;
  /** Audit records, newest first; admins only. `first` is 1 to 100. */
  auditLog: AuditRecordConnection;
  /** The model with that name; null when there is none. */
  model?: Maybe<Model>;
  /** Models the caller may read (their own and public ones; an admin's: all), oldest first. `first` is 1 to 100. */
  models: ModelConnection;
  /** Strategies, oldest first (a stable order). `first` is 1 to 100. */
  strategies: StrategyConnection;
  strategy?: Maybe<Strategy>;
  /** Ready-made documents; `createStrategy(input: { template })` starts from one. */
  strategyTemplates: Array<StrategyTemplate>;
  /** Checks a document as createStrategy would; saves nothing. */
  validateStrategy: StrategyValidation;
};


export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryModelArgs = {
  name: Scalars['String']['input'];
};


export type QueryModelsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryStrategiesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<StrategyFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryStrategyArgs = {
  id: Scalars['ID']['input'];
};


export type QueryValidateStrategyArgs = {
  document: Scalars['JSON']['input'];
};

export type RegisterModelInput = {
  /** At most 500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** What the model reads: `{ indicators, inputs: [{ name, value }] }` (see ModelVersion.features). */
  features: Scalars['JSON']['input'];
  /** 1 to 64 letters, digits, `_`, `.` or `-`, starting with a letter or digit. A name of yours adds a version. */
  name: Scalars['String']['input'];
  /**
   * The ONNX model, base64. At most `MAX_MODEL_BYTES` once decoded (512 KiB by default). It must have one float32
   * input of shape [batch, number of features] and one float32 output of shape [batch, number of outputs], the batch
   * a named dimension, and answer a row of zeros.
   */
  onnx: Scalars['String']['input'];
  /** Names of the output columns, in order: 1 to 16 names like indicator names (e.g. `up`, `down`). */
  outputs: Array<Scalars['String']['input']>;
  /** Set when the name is new; a new version keeps the model's visibility. */
  visibility?: InputMaybe<StrategyVisibility>;
};

export type RegisterModelPayload = {
  __typename?: 'RegisterModelPayload';
  model: Model;
  /** The version just registered. */
  version: ModelVersion;
};

export type RevokeApiKeyInput = {
  id: Scalars['ID']['input'];
};

export type RevokeApiKeyPayload = {
  __typename?: 'RevokeApiKeyPayload';
  apiKey: ApiKey;
};

/** What a caller may do: viewer reads, trader also runs their own strategies and webhooks, admin does everything. */
export type Role =
  | 'ADMIN'
  | 'TRADER'
  | 'VIEWER';

export type RollbackStrategyInput = {
  changeNote?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  /** The version whose document and symbols the new version copies. */
  version: Scalars['Int']['input'];
};

export type RollbackStrategyPayload = {
  __typename?: 'RollbackStrategyPayload';
  strategy: Strategy;
};

export type SetStrategyVisibilityInput = {
  id: Scalars['ID']['input'];
  visibility: StrategyVisibility;
};

export type SetStrategyVisibilityPayload = {
  __typename?: 'SetStrategyVisibilityPayload';
  strategy: Strategy;
};

/**
 * A trading strategy at its current version: a no-code document. Each change makes a new immutable version;
 * signals name the version that produced them. Any version can run, live or in shadow, beside another one.
 */
export type Strategy = {
  __typename?: 'Strategy';
  createdAt: Scalars['DateTime']['output'];
  /** The current version's document. */
  document: Scalars['JSON']['output'];
  id: Scalars['ID']['output'];
  /** The candle interval of the current version's document, e.g. 1m. */
  interval: Scalars['String']['output'];
  /** Unique name. */
  name: Scalars['String']['output'];
  /** The `sub` of who created it (`system` for the platform's own and for strategies older than owners). */
  owner: Scalars['String']['output'];
  /** The versions running now. */
  runs: Array<StrategyRun>;
  source: StrategySource;
  /** Per version that runs now or has run: the engine's figures and the signals it produced. */
  stats: Array<StrategyVersionStats>;
  status: StrategyStatus;
  /** The instruments the current version trades, e.g. XRPETH. */
  symbols: Array<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  /** Current version, from 1: the one changes start from. */
  version: Scalars['Int']['output'];
  /** Every version, oldest first. */
  versions: Array<StrategyVersion>;
  /** PRIVATE: its owner and admins read it; PUBLIC: anyone authenticated reads it and its signals. */
  visibility: StrategyVisibility;
};

export type StrategyConnection = {
  __typename?: 'StrategyConnection';
  edges: Array<StrategyEdge>;
  pageInfo: PageInfo;
};

export type StrategyEdge = {
  __typename?: 'StrategyEdge';
  cursor: Scalars['String']['output'];
  node: Strategy;
};

export type StrategyFilter = {
  /** Strategies with a version running in this mode. */
  mode?: InputMaybe<StrategyMode>;
  source?: InputMaybe<StrategySource>;
  status?: InputMaybe<StrategyStatus>;
  /** Strategies whose current version trades this symbol. */
  symbol?: InputMaybe<Scalars['String']['input']>;
};

export type StrategyMode =
  /** Signals go to subscribers, Kafka and webhooks. */
  | 'LIVE'
  /** Signals are stored and queryable only. */
  | 'SHADOW';

/** A version running now. */
export type StrategyRun = {
  __typename?: 'StrategyRun';
  /** From when the version may signal; earlier candles only warm it up. */
  activatedAt: Scalars['DateTime']['output'];
  mode: StrategyMode;
  version: Scalars['Int']['output'];
};

export type StrategySource =
  | 'AI_ML'
  | 'NO_CODE';

export type StrategyStatus =
  /** At least one version runs. */
  | 'ACTIVE'
  /** Retired for good: kept for its history, never run or changed again. */
  | 'ARCHIVED'
  | 'INACTIVE';

/** A ready-made document to start from. */
export type StrategyTemplate = {
  __typename?: 'StrategyTemplate';
  description: Scalars['String']['output'];
  document: Scalars['JSON']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

/** The result of checking a document. */
export type StrategyValidation = {
  __typename?: 'StrategyValidation';
  /** Every problem found, each with the JSON pointer of where it is. */
  problems: Array<DocumentProblem>;
  valid: Scalars['Boolean']['output'];
};

/** One immutable version of a strategy. */
export type StrategyVersion = {
  __typename?: 'StrategyVersion';
  /** Why the version was made; rollbacks say `rollback to vN` unless told otherwise. */
  changeNote?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  document: Scalars['JSON']['output'];
  interval: Scalars['String']['output'];
  symbols: Array<Scalars['String']['output']>;
  version: Scalars['Int']['output'];
};

export type StrategyVersionState =
  /** It runs, and its last evaluation failed (see lastError). */
  | 'ERROR'
  /** It runs; the engine has not reported on it yet. */
  | 'PENDING'
  | 'RUNNING'
  /** It does not run now. */
  | 'STOPPED';

/** How one version fares. */
export type StrategyVersionStats = {
  __typename?: 'StrategyVersionStats';
  /** Evaluations that failed. */
  errors: Scalars['Int']['output'];
  /** Median time of one evaluation, in milliseconds; null before the engine reported. */
  evalP50Ms?: Maybe<Scalars['Float']['output']>;
  evalP99Ms?: Maybe<Scalars['Float']['output']>;
  /** Evaluations by the engine (closed candles times symbols) since the engine started it. */
  evaluations: Scalars['Float']['output'];
  lastError?: Maybe<Scalars['String']['output']>;
  /** Market time of its newest signal. */
  lastSignalAt?: Maybe<Scalars['DateTime']['output']>;
  /** The mode it runs in; null when it does not run now. */
  mode?: Maybe<StrategyMode>;
  /** Signals it produced, live and shadow. */
  signals: Scalars['Int']['output'];
  state: StrategyVersionState;
  version: Scalars['Int']['output'];
};

export type StrategyVisibility =
  | 'PRIVATE'
  | 'PUBLIC';

/** Makes a new version from the current one; what is not given is kept. */
export type UpdateStrategyInput = {
  changeNote?: InputMaybe<Scalars['String']['input']>;
  document?: InputMaybe<Scalars['JSON']['input']>;
  id: Scalars['ID']['input'];
  symbols?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type UpdateStrategyPayload = {
  __typename?: 'UpdateStrategyPayload';
  strategy: Strategy;
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Strategy: Strategy;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Strategy:
    ( { __typename: 'Strategy' }
    & GraphQLRecursivePick<FederationTypes['Strategy'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  ActivateStrategyInput: ActivateStrategyInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ActivateStrategyPayload: ResolverTypeWrapper<Omit<ActivateStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  ApiKey: ResolverTypeWrapper<ApiKeyModel>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ArchiveStrategyInput: ArchiveStrategyInput;
  ArchiveStrategyPayload: ResolverTypeWrapper<Omit<ArchiveStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  AuditFilter: AuditFilter;
  AuditOutcome: AuditOutcome;
  AuditRecord: ResolverTypeWrapper<AuditRecordModel>;
  AuditRecordConnection: ResolverTypeWrapper<Omit<AuditRecordConnection, 'edges'> & { edges: Array<ResolversTypes['AuditRecordEdge']> }>;
  AuditRecordEdge: ResolverTypeWrapper<Omit<AuditRecordEdge, 'node'> & { node: ResolversTypes['AuditRecord'] }>;
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: ResolverTypeWrapper<Omit<CreateApiKeyPayload, 'apiKey'> & { apiKey: ResolversTypes['ApiKey'] }>;
  CreateStrategyInput: CreateStrategyInput;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CreateStrategyPayload: ResolverTypeWrapper<Omit<CreateStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeactivateStrategyInput: DeactivateStrategyInput;
  DeactivateStrategyPayload: ResolverTypeWrapper<Omit<DeactivateStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  DocumentProblem: ResolverTypeWrapper<DocumentProblem>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  Model: ResolverTypeWrapper<ModelModel>;
  ModelConnection: ResolverTypeWrapper<Omit<ModelConnection, 'edges'> & { edges: Array<ResolversTypes['ModelEdge']> }>;
  ModelEdge: ResolverTypeWrapper<Omit<ModelEdge, 'node'> & { node: ResolversTypes['Model'] }>;
  ModelVersion: ResolverTypeWrapper<ModelVersionModel>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PromoteStrategyInput: PromoteStrategyInput;
  PromoteStrategyPayload: ResolverTypeWrapper<Omit<PromoteStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterModelInput: RegisterModelInput;
  RegisterModelPayload: ResolverTypeWrapper<Omit<RegisterModelPayload, 'model' | 'version'> & { model: ResolversTypes['Model'], version: ResolversTypes['ModelVersion'] }>;
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: ResolverTypeWrapper<Omit<RevokeApiKeyPayload, 'apiKey'> & { apiKey: ResolversTypes['ApiKey'] }>;
  Role: Role;
  RollbackStrategyInput: RollbackStrategyInput;
  RollbackStrategyPayload: ResolverTypeWrapper<Omit<RollbackStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  SetStrategyVisibilityInput: SetStrategyVisibilityInput;
  SetStrategyVisibilityPayload: ResolverTypeWrapper<Omit<SetStrategyVisibilityPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
  Strategy: ResolverTypeWrapper<StrategyModel>;
  StrategyConnection: ResolverTypeWrapper<Omit<StrategyConnection, 'edges'> & { edges: Array<ResolversTypes['StrategyEdge']> }>;
  StrategyEdge: ResolverTypeWrapper<Omit<StrategyEdge, 'node'> & { node: ResolversTypes['Strategy'] }>;
  StrategyFilter: StrategyFilter;
  StrategyMode: StrategyMode;
  StrategyRun: ResolverTypeWrapper<StrategyRunModel>;
  StrategySource: StrategySource;
  StrategyStatus: StrategyStatus;
  StrategyTemplate: ResolverTypeWrapper<StrategyTemplate>;
  StrategyValidation: ResolverTypeWrapper<StrategyValidation>;
  StrategyVersion: ResolverTypeWrapper<StrategyVersionModel>;
  StrategyVersionState: StrategyVersionState;
  StrategyVersionStats: ResolverTypeWrapper<VersionStats>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  StrategyVisibility: StrategyVisibility;
  UpdateStrategyInput: UpdateStrategyInput;
  UpdateStrategyPayload: ResolverTypeWrapper<Omit<UpdateStrategyPayload, 'strategy'> & { strategy: ResolversTypes['Strategy'] }>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  ActivateStrategyInput: ActivateStrategyInput;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  ActivateStrategyPayload: Omit<ActivateStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  ApiKey: ApiKeyModel;
  String: Scalars['String']['output'];
  ArchiveStrategyInput: ArchiveStrategyInput;
  ArchiveStrategyPayload: Omit<ArchiveStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  AuditFilter: AuditFilter;
  AuditRecord: AuditRecordModel;
  AuditRecordConnection: Omit<AuditRecordConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditRecordEdge']> };
  AuditRecordEdge: Omit<AuditRecordEdge, 'node'> & { node: ResolversParentTypes['AuditRecord'] };
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: Omit<CreateApiKeyPayload, 'apiKey'> & { apiKey: ResolversParentTypes['ApiKey'] };
  CreateStrategyInput: CreateStrategyInput;
  Boolean: Scalars['Boolean']['output'];
  CreateStrategyPayload: Omit<CreateStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  DateTime: Scalars['DateTime']['output'];
  DeactivateStrategyInput: DeactivateStrategyInput;
  DeactivateStrategyPayload: Omit<DeactivateStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  DocumentProblem: DocumentProblem;
  JSON: Scalars['JSON']['output'];
  Model: ModelModel;
  ModelConnection: Omit<ModelConnection, 'edges'> & { edges: Array<ResolversParentTypes['ModelEdge']> };
  ModelEdge: Omit<ModelEdge, 'node'> & { node: ResolversParentTypes['Model'] };
  ModelVersion: ModelVersionModel;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PromoteStrategyInput: PromoteStrategyInput;
  PromoteStrategyPayload: Omit<PromoteStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  Query: Record<PropertyKey, never>;
  RegisterModelInput: RegisterModelInput;
  RegisterModelPayload: Omit<RegisterModelPayload, 'model' | 'version'> & { model: ResolversParentTypes['Model'], version: ResolversParentTypes['ModelVersion'] };
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: Omit<RevokeApiKeyPayload, 'apiKey'> & { apiKey: ResolversParentTypes['ApiKey'] };
  RollbackStrategyInput: RollbackStrategyInput;
  RollbackStrategyPayload: Omit<RollbackStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  SetStrategyVisibilityInput: SetStrategyVisibilityInput;
  SetStrategyVisibilityPayload: Omit<SetStrategyVisibilityPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
  Strategy: StrategyModel;
  StrategyConnection: Omit<StrategyConnection, 'edges'> & { edges: Array<ResolversParentTypes['StrategyEdge']> };
  StrategyEdge: Omit<StrategyEdge, 'node'> & { node: ResolversParentTypes['Strategy'] };
  StrategyFilter: StrategyFilter;
  StrategyRun: StrategyRunModel;
  StrategyTemplate: StrategyTemplate;
  StrategyValidation: StrategyValidation;
  StrategyVersion: StrategyVersionModel;
  StrategyVersionStats: VersionStats;
  Float: Scalars['Float']['output'];
  UpdateStrategyInput: UpdateStrategyInput;
  UpdateStrategyPayload: Omit<UpdateStrategyPayload, 'strategy'> & { strategy: ResolversParentTypes['Strategy'] };
}>;

export type ActivateStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['ActivateStrategyPayload'] = ResolversParentTypes['ActivateStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type ApiKeyResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['ApiKey'] = ResolversParentTypes['ApiKey']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
}>;

export type ArchiveStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['ArchiveStrategyPayload'] = ResolversParentTypes['ArchiveStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type AuditRecordResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['AuditRecord'] = ResolversParentTypes['AuditRecord']> = ResolversObject<{
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actorRole?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  apiKeyId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  entityId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  entityType?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  entityVersion?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  operation?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['AuditOutcome'], ParentType, ContextType>;
  sequence?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type AuditRecordConnectionResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['AuditRecordConnection'] = ResolversParentTypes['AuditRecordConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['AuditRecordEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type AuditRecordEdgeResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['AuditRecordEdge'] = ResolversParentTypes['AuditRecordEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditRecord'], ParentType, ContextType>;
}>;

export type CreateApiKeyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['CreateApiKeyPayload'] = ResolversParentTypes['CreateApiKeyPayload']> = ResolversObject<{
  apiKey?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CreateStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['CreateStrategyPayload'] = ResolversParentTypes['CreateStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeactivateStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['DeactivateStrategyPayload'] = ResolversParentTypes['DeactivateStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type DocumentProblemResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['DocumentProblem'] = ResolversParentTypes['DocumentProblem']> = ResolversObject<{
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  path?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type ModelResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['Model'] = ResolversParentTypes['Model']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['ModelVersion']>, ParentType, ContextType>;
  visibility?: Resolver<ResolversTypes['StrategyVisibility'], ParentType, ContextType>;
}>;

export type ModelConnectionResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['ModelConnection'] = ResolversParentTypes['ModelConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ModelEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ModelEdgeResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['ModelEdge'] = ResolversParentTypes['ModelEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
}>;

export type ModelVersionResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['ModelVersion'] = ResolversParentTypes['ModelVersion']> = ResolversObject<{
  checksum?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  features?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  outputs?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  sizeBytes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  activateStrategy?: Resolver<ResolversTypes['ActivateStrategyPayload'], ParentType, ContextType, RequireFields<MutationActivateStrategyArgs, 'input'>>;
  archiveStrategy?: Resolver<ResolversTypes['ArchiveStrategyPayload'], ParentType, ContextType, RequireFields<MutationArchiveStrategyArgs, 'input'>>;
  createApiKey?: Resolver<ResolversTypes['CreateApiKeyPayload'], ParentType, ContextType, RequireFields<MutationCreateApiKeyArgs, 'input'>>;
  createStrategy?: Resolver<ResolversTypes['CreateStrategyPayload'], ParentType, ContextType, RequireFields<MutationCreateStrategyArgs, 'input'>>;
  deactivateStrategy?: Resolver<ResolversTypes['DeactivateStrategyPayload'], ParentType, ContextType, RequireFields<MutationDeactivateStrategyArgs, 'input'>>;
  promoteStrategy?: Resolver<ResolversTypes['PromoteStrategyPayload'], ParentType, ContextType, RequireFields<MutationPromoteStrategyArgs, 'input'>>;
  registerModel?: Resolver<ResolversTypes['RegisterModelPayload'], ParentType, ContextType, RequireFields<MutationRegisterModelArgs, 'input'>>;
  revokeApiKey?: Resolver<ResolversTypes['RevokeApiKeyPayload'], ParentType, ContextType, RequireFields<MutationRevokeApiKeyArgs, 'input'>>;
  rollbackStrategy?: Resolver<ResolversTypes['RollbackStrategyPayload'], ParentType, ContextType, RequireFields<MutationRollbackStrategyArgs, 'input'>>;
  setStrategyVisibility?: Resolver<ResolversTypes['SetStrategyVisibilityPayload'], ParentType, ContextType, RequireFields<MutationSetStrategyVisibilityArgs, 'input'>>;
  updateStrategy?: Resolver<ResolversTypes['UpdateStrategyPayload'], ParentType, ContextType, RequireFields<MutationUpdateStrategyArgs, 'input'>>;
}>;

export type PageInfoResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PromoteStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['PromoteStrategyPayload'] = ResolversParentTypes['PromoteStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  apiKeys?: Resolver<Array<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  auditLog?: Resolver<ResolversTypes['AuditRecordConnection'], ParentType, ContextType, RequireFields<QueryAuditLogArgs, 'first'>>;
  model?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType, RequireFields<QueryModelArgs, 'name'>>;
  models?: Resolver<ResolversTypes['ModelConnection'], ParentType, ContextType, RequireFields<QueryModelsArgs, 'first'>>;
  strategies?: Resolver<ResolversTypes['StrategyConnection'], ParentType, ContextType, RequireFields<QueryStrategiesArgs, 'first'>>;
  strategy?: Resolver<Maybe<ResolversTypes['Strategy']>, ParentType, ContextType, RequireFields<QueryStrategyArgs, 'id'>>;
  strategyTemplates?: Resolver<Array<ResolversTypes['StrategyTemplate']>, ParentType, ContextType>;
  validateStrategy?: Resolver<ResolversTypes['StrategyValidation'], ParentType, ContextType, RequireFields<QueryValidateStrategyArgs, 'document'>>;
}>;

export type RegisterModelPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['RegisterModelPayload'] = ResolversParentTypes['RegisterModelPayload']> = ResolversObject<{
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['ModelVersion'], ParentType, ContextType>;
}>;

export type RevokeApiKeyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['RevokeApiKeyPayload'] = ResolversParentTypes['RevokeApiKeyPayload']> = ResolversObject<{
  apiKey?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType>;
}>;

export type RollbackStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['RollbackStrategyPayload'] = ResolversParentTypes['RollbackStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type SetStrategyVisibilityPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['SetStrategyVisibilityPayload'] = ResolversParentTypes['SetStrategyVisibilityPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type StrategyResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['Strategy'] = ResolversParentTypes['Strategy'], FederationReferenceType extends FederationReferenceTypes['Strategy'] = FederationReferenceTypes['Strategy']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Strategy']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  document?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  interval?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  runs?: Resolver<Array<ResolversTypes['StrategyRun']>, ParentType, ContextType>;
  source?: Resolver<ResolversTypes['StrategySource'], ParentType, ContextType>;
  stats?: Resolver<Array<ResolversTypes['StrategyVersionStats']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['StrategyStatus'], ParentType, ContextType>;
  symbols?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['StrategyVersion']>, ParentType, ContextType>;
  visibility?: Resolver<ResolversTypes['StrategyVisibility'], ParentType, ContextType>;
}>;

export type StrategyConnectionResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyConnection'] = ResolversParentTypes['StrategyConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['StrategyEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type StrategyEdgeResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyEdge'] = ResolversParentTypes['StrategyEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type StrategyRunResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyRun'] = ResolversParentTypes['StrategyRun']> = ResolversObject<{
  activatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  mode?: Resolver<ResolversTypes['StrategyMode'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type StrategyTemplateResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyTemplate'] = ResolversParentTypes['StrategyTemplate']> = ResolversObject<{
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  document?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type StrategyValidationResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyValidation'] = ResolversParentTypes['StrategyValidation']> = ResolversObject<{
  problems?: Resolver<Array<ResolversTypes['DocumentProblem']>, ParentType, ContextType>;
  valid?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type StrategyVersionResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyVersion'] = ResolversParentTypes['StrategyVersion']> = ResolversObject<{
  changeNote?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  document?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  interval?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  symbols?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type StrategyVersionStatsResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['StrategyVersionStats'] = ResolversParentTypes['StrategyVersionStats']> = ResolversObject<{
  errors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  evalP50Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  evalP99Ms?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  evaluations?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastSignalAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  mode?: Resolver<Maybe<ResolversTypes['StrategyMode']>, ParentType, ContextType>;
  signals?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['StrategyVersionState'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type UpdateStrategyPayloadResolvers<ContextType = StrategyContext, ParentType extends ResolversParentTypes['UpdateStrategyPayload'] = ResolversParentTypes['UpdateStrategyPayload']> = ResolversObject<{
  strategy?: Resolver<ResolversTypes['Strategy'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = StrategyContext> = ResolversObject<{
  ActivateStrategyPayload?: ActivateStrategyPayloadResolvers<ContextType>;
  ApiKey?: ApiKeyResolvers<ContextType>;
  ArchiveStrategyPayload?: ArchiveStrategyPayloadResolvers<ContextType>;
  AuditRecord?: AuditRecordResolvers<ContextType>;
  AuditRecordConnection?: AuditRecordConnectionResolvers<ContextType>;
  AuditRecordEdge?: AuditRecordEdgeResolvers<ContextType>;
  CreateApiKeyPayload?: CreateApiKeyPayloadResolvers<ContextType>;
  CreateStrategyPayload?: CreateStrategyPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeactivateStrategyPayload?: DeactivateStrategyPayloadResolvers<ContextType>;
  DocumentProblem?: DocumentProblemResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Model?: ModelResolvers<ContextType>;
  ModelConnection?: ModelConnectionResolvers<ContextType>;
  ModelEdge?: ModelEdgeResolvers<ContextType>;
  ModelVersion?: ModelVersionResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PromoteStrategyPayload?: PromoteStrategyPayloadResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RegisterModelPayload?: RegisterModelPayloadResolvers<ContextType>;
  RevokeApiKeyPayload?: RevokeApiKeyPayloadResolvers<ContextType>;
  RollbackStrategyPayload?: RollbackStrategyPayloadResolvers<ContextType>;
  SetStrategyVisibilityPayload?: SetStrategyVisibilityPayloadResolvers<ContextType>;
  Strategy?: StrategyResolvers<ContextType>;
  StrategyConnection?: StrategyConnectionResolvers<ContextType>;
  StrategyEdge?: StrategyEdgeResolvers<ContextType>;
  StrategyRun?: StrategyRunResolvers<ContextType>;
  StrategyTemplate?: StrategyTemplateResolvers<ContextType>;
  StrategyValidation?: StrategyValidationResolvers<ContextType>;
  StrategyVersion?: StrategyVersionResolvers<ContextType>;
  StrategyVersionStats?: StrategyVersionStatsResolvers<ContextType>;
  UpdateStrategyPayload?: UpdateStrategyPayloadResolvers<ContextType>;
}>;

