import { type AccessRule, accessRule, hasRole, type Identity } from '@alphintra/auth';
import { type AuditOutcome, type Db, recordAudit } from '@alphintra/db';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLError } from 'graphql';
import { userError } from './errors.ts';

/** What every subgraph's per-request context carries: the caller's verified identity. */
export interface RequestContext {
  readonly identity: Identity;
  /** A mutation's audit record, while the mutation runs. */
  readonly audit?: AuditScope;
}

/** FORBIDDEN: the caller is authenticated but may not do this. */
export function forbidden(message: string): GraphQLError {
  return userError('FORBIDDEN', message);
}

/** Whether the caller may read what `owner` owns with this visibility (admins read everything). */
export function mayRead(identity: Identity, owned: { readonly owner: string; readonly visibility?: string }): boolean {
  return identity.role === 'admin' || owned.owner === identity.sub || owned.visibility === 'PUBLIC';
}

/** Whether the caller may change what `owner` owns (its owner, or an admin). */
export function mayChange(identity: Identity, owner: string): boolean {
  return identity.role === 'admin' || owner === identity.sub;
}

/** The `sub` whose own and public things a list is narrowed to; undefined for an admin, who sees everything. */
export function readerOf(identity: Identity): string | undefined {
  return identity.role === 'admin' ? undefined : identity.sub;
}

function requireRole(identity: Identity, rule: AccessRule, field: string): void {
  if (!hasRole(identity.role, rule.role)) {
    throw forbidden(`${field} needs the ${rule.role} role or above; the caller's role is ${identity.role}`);
  }
}

/** What an audited mutation changed. */
export interface AuditedEntity {
  readonly id?: string | null | undefined;
  readonly version?: number | null | undefined;
}

/** The outcome and error text an audit record gives a mutation's error. */
function failureOf(error: unknown): { outcome: AuditOutcome; error: string } {
  const code = error instanceof GraphQLError ? error.extensions?.['code'] : undefined;
  const outcome: AuditOutcome = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'REFUSED' : 'FAILED';
  const message = error instanceof Error ? error.message : String(error);
  return { outcome, error: `${typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR'}: ${message}` };
}

/**
 * The audit record of one mutation call: written exactly once, either in the transaction of the change
 * ({@link AuditScope.change}) or, for a mutation that changed nothing or failed, on its own.
 */
export class AuditScope {
  readonly #db: Db;
  readonly #identity: Identity;
  readonly #operation: string;
  readonly #entityType: string | undefined;
  #entity: AuditedEntity;
  #recorded = false;

  constructor(db: Db, identity: Identity, operation: string, entityType: string | undefined, entity: AuditedEntity) {
    this.#db = db;
    this.#identity = identity;
    this.#operation = operation;
    this.#entityType = entityType;
    this.#entity = entity;
  }

  get recorded(): boolean {
    return this.#recorded;
  }

  /**
   * Runs a change in one transaction with its SUCCEEDED record (`entityOf` names what it changed). When `run`
   * throws, nothing of it stays and the mutation's wrapper records the failure.
   */
  async change<T>(run: (tx: Db) => Promise<T>, entityOf: (result: T) => AuditedEntity): Promise<T> {
    const result = await this.#db.transaction(async (tx) => {
      const done = await run(tx);
      this.#entity = { ...this.#entity, ...entityOf(done) };
      await this.#write(tx, 'SUCCEEDED', null);
      return done;
    });
    this.#recorded = true;
    return result;
  }

  /** Records a mutation that changed nothing stored (a test event), or the failure it ended with. */
  async finish(error?: unknown): Promise<void> {
    if (this.#recorded) return;
    const failure = error === undefined ? null : failureOf(error);
    await this.#write(this.#db, failure?.outcome ?? 'SUCCEEDED', failure?.error ?? null);
    this.#recorded = true;
  }

  async #write(db: Db, outcome: AuditOutcome, error: string | null): Promise<void> {
    await recordAudit(db, {
      actor: this.#identity.sub,
      actorRole: this.#identity.role,
      apiKeyId: this.#identity.apiKeyId ?? null,
      operation: this.#operation,
      entityType: this.#entityType ?? null,
      entityId: this.#entity.id ?? null,
      entityVersion: this.#entity.version ?? null,
      outcome,
      error,
    });
  }
}

type Resolver = (parent: unknown, args: Record<string, unknown>, ctx: RequestContext, info: unknown) => unknown;

/** The entity a mutation names in its input (`input.id`, `input.deliveryId`), for the record of a failure. */
function namedEntity(args: Record<string, unknown>): AuditedEntity {
  const input = args['input'] as Record<string, unknown> | undefined;
  const id = input?.['id'] ?? input?.['deliveryId'];
  return typeof id === 'string' ? { id } : {};
}

/**
 * Puts every root resolver behind its {@link ACCESS_RULES} entry: the role is checked before the resolver runs,
 * and each mutation gets its {@link AuditScope}, so it writes one audit record whatever happens (a refusal, bad
 * input, a failure). A root field without a rule is a programming error: the subgraph does not start.
 */
export function guardResolvers(
  subgraph: string,
  resolvers: GraphQLResolverMap<unknown>,
  auditDb: Db | undefined,
  onAuditError: (error: unknown) => void,
): GraphQLResolverMap<unknown> {
  const guarded: GraphQLResolverMap<unknown> = { ...resolvers };
  for (const type of ['Query', 'Mutation', 'Subscription'] as const) {
    const fields = resolvers[type] as Record<string, unknown> | undefined;
    if (!fields) continue;
    const wrapped: Record<string, unknown> = {};
    for (const [field, resolver] of Object.entries(fields)) {
      const rule = accessRule(type, field);
      if (!rule) throw new Error(`${subgraph} subgraph: ${type}.${field} has no entry in ACCESS_RULES`);
      const name = `${type}.${field}`;
      if (type === 'Subscription') {
        const { subscribe, ...rest } = resolver as { subscribe: Resolver };
        wrapped[field] = {
          ...rest,
          subscribe: (parent: unknown, args: Record<string, unknown>, ctx: RequestContext, info: unknown) => {
            requireRole(ctx.identity, rule, name);
            return subscribe(parent, args, ctx, info);
          },
        };
      } else if (type === 'Query') {
        wrapped[field] = (parent: unknown, args: Record<string, unknown>, ctx: RequestContext, info: unknown) => {
          requireRole(ctx.identity, rule, name);
          return (resolver as Resolver)(parent, args, ctx, info);
        };
      } else {
        if (!auditDb) throw new Error(`${subgraph} subgraph: mutations need a database for their audit records`);
        wrapped[field] = async (parent: unknown, args: Record<string, unknown>, ctx: RequestContext, info: unknown) => {
          const audit = new AuditScope(auditDb, ctx.identity, field, rule.entity, namedEntity(args));
          try {
            requireRole(ctx.identity, rule, name);
            const result = await (resolver as Resolver)(parent, args, { ...ctx, audit }, info);
            await audit.finish();
            return result;
          } catch (error) {
            await audit.finish(error).catch(onAuditError);
            throw error;
          }
        };
      }
    }
    guarded[type] = wrapped as GraphQLResolverMap<unknown>[string];
  }
  return guarded;
}

/** The audit scope of the mutation running; the kit gives every mutation one (see {@link guardResolvers}). */
export function auditScope(ctx: RequestContext): AuditScope {
  if (!ctx.audit) throw new Error('a mutation ran without its audit scope');
  return ctx.audit;
}
