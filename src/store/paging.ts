// Keyset pagination over (created_at, seq): the order clients see is created_at, and the internal
// sequence breaks ties, so objects created in the same second keep their creation order.
import { type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { type ApiError, invalidValue } from '../domain/errors.js';
import type { ListParams, Page } from '../domain/pagination.js';

export interface Cursor {
  created_at: number;
  seq: number;
}

/** The columns that hold the sort key in a query: plain names, or qualified ones in a join. */
export interface KeyColumns {
  createdAt: string;
  seq: string;
  /**
   * The text columns that make a row large (JSON documents), if any: the page's rows are then
   * measured in the database before any is read, and only those that fit the budget are read.
   */
  sizeColumns?: readonly string[];
}

/**
 * The keys of a table that holds each object as one JSON document in `data` (assistants, runs,
 * steps): a page of large objects is then cut to the page budget unread.
 */
export const documentKeys: KeyColumns = { createdAt: 'created_at', seq: 'seq', sizeColumns: ['data'] };

/**
 * What one page may hold, in characters of stored text: past it a page ends early, with `has_more`
 * and a `last_id` to go on from, as if `limit` were smaller. A page always holds at least one
 * object, so one object at most the request body limit makes the largest page budget + that.
 */
export const pageBudgetChars = 4 * 1024 * 1024;

/** How many of the rows, in read order, fit the budget: at least one. */
function rowsWithinBudget(sizes: readonly number[]): number {
  let total = 0;
  for (const [index, size] of sizes.entries()) {
    total += size;
    if (total > pageBudgetChars) return Math.max(1, index);
  }
  return sizes.length;
}

/** A row's stored size: the length of its text values (its JSON documents), a few characters for the rest. */
function storedSize(row: object): number {
  let size = 0;
  for (const value of Object.values(row)) size += typeof value === 'string' ? value.length : 16;
  return size;
}

function unknownCursor(param: 'after' | 'before', kind: string, id: string): ApiError {
  return invalidValue(param, `no ${kind} found with id '${id}'.`);
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
  const beyond = (cursor: Cursor, operator: '<' | '>') =>
    sql<SqlBool>`${key} ${sql.raw(operator)} (${cursor.created_at}, ${cursor.seq})`;
  let scoped = query;
  if (cursors.after) scoped = scoped.where(beyond(cursors.after, descending ? '<' : '>'));
  if (cursors.before) scoped = scoped.where(beyond(cursors.before, descending ? '>' : '<'));
  // With only `before`, read backwards from it (nearest first), then restore the requested order.
  const backwards = cursors.before !== undefined && cursors.after === undefined;
  const direction = sql.raw(descending !== backwards ? 'desc' : 'asc');
  const ordered = <O>(builder: SelectQueryBuilder<DB, TB, O>) =>
    builder.orderBy(sql`${sql.ref(keys.createdAt)} ${direction}`).orderBy(sql`${sql.ref(keys.seq)} ${direction}`);
  let count = params.limit;
  let measuredMore: boolean | undefined;
  if (keys.sizeColumns && keys.sizeColumns.length > 0) {
    // Measure first: a page of large rows is cut to the budget before any of them is read.
    const size = sql.join(
      keys.sizeColumns.map((column) => sql`length(${sql.ref(column)})`),
      sql` + `,
    );
    const measured = await ordered(scoped.clearSelect().select(sql<number | string>`${size}`.as('stored_size')))
      .limit(params.limit + 1)
      .execute();
    const sizes = measured.map((row) => Number((row as { stored_size: number | string }).stored_size));
    count = Math.min(params.limit, rowsWithinBudget(sizes.slice(0, params.limit)));
    measuredMore = sizes.length > count;
  }
  const rows = await ordered(scoped)
    .limit(measuredMore === undefined ? count + 1 : count)
    .execute();
  // Rows read whole (no size columns) are measured here: the response is bounded all the same.
  const kept = Math.min(count, rowsWithinBudget(rows.slice(0, count).map((row) => storedSize(row as object))));
  const hasMore = rows.length > kept || measuredMore === true;
  const items = rows.slice(0, kept) as Row[];
  if (backwards) items.reverse();
  return { items, hasMore };
}
