import { badInput } from './errors.ts';

/** Largest page a connection field serves. */
export const MAX_PAGE_SIZE = 100;

/** Checks a connection's `first` argument (default 20); throws BAD_USER_INPUT naming it. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput('first', `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** A page of cursor-ordered items as a Relay connection. */
export function connectionOf<T>(page: {
  readonly items: readonly { readonly node: T; readonly cursor: string }[];
  readonly hasNextPage: boolean;
}) {
  return {
    edges: page.items.map(({ node, cursor }) => ({ node, cursor })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
  };
}
