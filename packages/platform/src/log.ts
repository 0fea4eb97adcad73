/** The platform's log: one line per event, to stderr for problems. */
export interface Log {
  info(message: string): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

function describe(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return `: ${detail.message}`;
  return `: ${String(detail)}`;
}

/** A console log with a component prefix. */
export function consoleLog(component: string): Log {
  return {
    info: (message) => console.log(`[${component}] ${message}`),
    warn: (message, detail) => console.warn(`[${component}] ${message}${describe(detail)}`),
    error: (message, detail) => console.error(`[${component}] ${message}${describe(detail)}`),
  };
}

/** A log that drops everything (tests). */
export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
