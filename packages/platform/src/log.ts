import { Logger as GatewayLogger } from '@graphql-hive/gateway-runtime';
import { type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';

/** Structured fields of a log line, e.g. `{ signalId }`: every line about a signal carries its id. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The platform's log: one line per event, structured (JSON, pino). */
export interface Log {
  info(message: string, fields?: LogFields): void;
  warn(message: string, detail?: unknown, fields?: LogFields): void;
  error(message: string, detail?: unknown, fields?: LogFields): void;
}

/** The levels `LOG_LEVEL` accepts, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Field names whose values never reach a log line, at any depth up to three (pino `redact`). */
const SECRET_FIELDS = [
  'password',
  'secret',
  'secrets',
  'token',
  'authorization',
  'apiKey',
  'sasl',
  'ssl',
  'tls',
  'connectionParams',
  'headers',
];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((name) => [name, `*.${name}`, `*.*.${name}`]);

/** Environment variables whose values are secrets, wherever they would appear in a message. */
const SECRET_ENV = /PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL/i;
const URL_ENV = /_URL$|_BROKERS$/;

/**
 * The secret strings of an environment: values of variables named like a password, secret, token or key, and the
 * passwords inside service URLs (`postgres://user:pass@...`). A message that quotes one (an error from a driver
 * that echoes its URL) has it replaced.
 */
export function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_ENV.test(name) && value.length >= 4) secrets.add(value);
    if (URL_ENV.test(name)) {
      for (const match of value.matchAll(/\/\/[^/\s:@]*:([^@/\s]+)@/g)) {
        const password = match[1] as string;
        secrets.add(password);
        secrets.add(decodeURIComponent(password));
      }
    }
  }
  return [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

/** Removes credentials from free text: URL passwords, bearer tokens, webhook secrets, and the known secrets. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let clean = text
    .replace(/(\/\/[^/\s:@]*:)[^@/\s]+@/g, '$1***@')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/\bwhsec_[A-Za-z0-9+/=]+/g, 'whsec_***');
  for (const secret of secrets) clean = clean.replaceAll(secret, '***');
  return clean;
}

/** How the process logs: `LOG_LEVEL` (default `info`) and `LOG_FORMAT` (`json`, or `pretty` for people). */
export interface LogSettings {
  readonly level: (typeof LOG_LEVELS)[number];
  /** `pretty` when stdout is a terminal unless `LOG_FORMAT=json`; JSON lines otherwise. */
  readonly pretty: boolean;
}

/** Reads `LOG_LEVEL` and `LOG_FORMAT`; a value it does not know is an error naming the variable. */
export function parseLogSettings(env: NodeJS.ProcessEnv, isTty = process.stdout.isTTY === true): LogSettings {
  const level = (env['LOG_LEVEL'] || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL="${env['LOG_LEVEL']}" must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const format = (env['LOG_FORMAT'] || (isTty ? 'pretty' : 'json')).toLowerCase();
  if (format !== 'json' && format !== 'pretty')
    throw new Error(`LOG_FORMAT="${env['LOG_FORMAT']}" must be json or pretty`);
  return { level: level as LogSettings['level'], pretty: format === 'pretty' };
}

/** A pino logger with the platform's settings: redaction, ISO times, JSON to stdout (or pino-pretty). */
export function createLogger(settings: LogSettings, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '***' },
  };
  if (settings.pretty) {
    const readable = pretty({
      colorize: destination === undefined && process.stdout.isTTY === true,
      messageFormat: '[{component}] {msg}',
      ignore: 'pid,component',
      translateTime: 'SYS:HH:MM:ss.l',
      sync: true,
      destination: destination ?? 1,
    });
    return pino(options, readable);
  }
  // Synchronous writes: the last lines before a crash or `process.exit` are not lost.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}

/** The platform's {@link Log} of one component on a pino logger; free text is scrubbed of `secrets`. */
export function pinoLog(logger: Logger, component: string, secrets: readonly string[] = []): Log {
  const child = logger.child({ component });
  const write = (level: 'info' | 'warn' | 'error', message: string, detail: unknown, fields: LogFields | undefined) => {
    const line: Record<string, unknown> = { ...fields };
    if (detail instanceof Error) {
      line['error'] = {
        type: detail.name,
        message: scrub(detail.message, secrets),
        stack: scrub(detail.stack ?? '', secrets),
      };
    } else if (detail !== undefined) {
      line['detail'] = typeof detail === 'string' ? scrub(detail, secrets) : detail;
    }
    child[level](line, scrub(message, secrets));
  };
  return {
    info: (message, fields) => write('info', message, undefined, fields),
    warn: (message, detail, fields) => write('warn', message, detail, fields),
    error: (message, detail, fields) => write('error', message, detail, fields),
  };
}

/** Hive Gateway's own warnings and errors, as lines of a platform {@link Log} (so they are JSON and scrubbed too). */
export function gatewayLogger(log: Log): GatewayLogger {
  return new GatewayLogger({
    level: 'warn',
    writers: [
      {
        write(level, attrs, message) {
          const text = message ?? '';
          if (level === 'error') log.error(text, attrs ?? undefined);
          else if (level === 'warn') log.warn(text, attrs ?? undefined);
          else log.info(text, attrs && !Array.isArray(attrs) ? (attrs as LogFields) : undefined);
        },
      },
    ],
  });
}

let processLogger: { logger: Logger; secrets: string[] } | undefined;

/** The process's logger, configured from the environment on first use (`LOG_LEVEL`, `LOG_FORMAT`). */
export function rootLogger(): { logger: Logger; secrets: string[] } {
  processLogger ??= { logger: createLogger(parseLogSettings(process.env)), secrets: secretsOf(process.env) };
  return processLogger;
}

/** The log of one component of this process (structured, on {@link rootLogger}). */
export function processLog(component: string): Log {
  const { logger, secrets } = rootLogger();
  return pinoLog(logger, component, secrets);
}

/** A log that drops everything (tests). */
export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
