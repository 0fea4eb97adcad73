/** Opaque Relay cursors: base64url of the sort key, so clients cannot depend on its shape. */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; `null` when it is not one. */
export function decodeCursor(cursor: string): unknown[] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** A cursor that does not decode to the expected key. */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`"${cursor}" is not a cursor returned by this list`);
    this.name = 'InvalidCursorError';
  }
}
