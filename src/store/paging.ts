// Keyset pagination over (created_at, seq): the order clients see is created_at, and the internal
// sequence breaks ties, so objects created in the same second keep their creation order.
import { type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { ApiError } from '../domain/errors.js';
import type { ListParams, Page } from '../domain/pagination.js';

export interface Cursor {
  created_at: number;
  seq: number;
}

/** The columns that hold the sort key in a query: plain names, or qualified ones in a join. */
export interface KeyColumns {
  createdAt: string;
  seq: string;
}

function unknownCursor(param: 'after' | 'before', kind: string, id: string): ApiError {
  return new ApiError(400, `Invalid '${param}': no ${kind} found with id '${id}'.`, 'invalid_request_error', param, 'invalid_value');
}

/**
 * Turns the `after` / `before` ids of a list request into positions in the list, looking each up
 * with `positionOf`; an id that is not in the list is the API's 400, naming the parameter.
 */
export async function resolveCursors(
  params: ListParams,
  kind: string,
  positionOf: (id: string) => Promise<{ created_at: number; seq: number } | undefined>,
): Promise<{ after?: Cursor | undefined; before?: Cursor | undefined }> {
  const resolve = async (id: string | undefined, param: 'after' | 'before') => {
    if (id === undefined) return undefined;
    const row = await positionOf(id);
    if (!row) throw unknownCursor(param, kind, id);
    return { created_at: Number(row.created_at), seq: Number(row.seq) };
  };
  return { after: await resolve(params.after, 'after'), before: await resolve(params.before, 'before') };
}

/**
 * Applies the cursors, order and limit of `params` to a query over rows keyed by
 * (created_at, seq), runs it, and returns one page in the requested order.
 */
export async function fetchPage<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  keys: KeyColumns,
  params: ListParams,
  cursors: { after?: Cursor | undefined; before?: Cursor | undefined },
): Promise<Page<Row>> {
  const descending = params.order === 'desc';
  const key = sql`(${sql.ref(keys.createdAt)}, ${sql.ref(keys.seq)})`;
  const beyond = (cursor: Cursor, operator: '<' | '>') => sql<SqlBool>`${key} ${sql.raw(operator)} (${cursor.created_at}, ${cursor.seq})`;
  let scoped = query;
  if (cursors.after) scoped = scoped.where(beyond(cursors.after, descending ? '<' : '>'));
  if (cursors.before) scoped = scoped.where(beyond(cursors.before, descending ? '>' : '<'));
  // With only `before`, read backwards from it (nearest first), then restore the requested order.
  const backwards = cursors.before !== undefined && cursors.after === undefined;
  const direction = sql.raw(descending !== backwards ? 'desc' : 'asc');
  const rows = await scoped
    .orderBy(sql`${sql.ref(keys.createdAt)} ${direction}`)
    .orderBy(sql`${sql.ref(keys.seq)} ${direction}`)
    .limit(params.limit + 1)
    .execute();
  const hasMore = rows.length > params.limit;
  const items = rows.slice(0, params.limit) as Row[];
  if (backwards) items.reverse();
  return { items, hasMore };
}
