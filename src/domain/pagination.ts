// List parameters (limit, order, after, before) as every list endpoint takes them, and the list
// envelope {"object":"list","data","first_id","last_id","has_more"}.
import { integerOutOfRange, invalidType, unsupportedValue } from './errors.js';

export type SortOrder = 'asc' | 'desc';

export interface ListParams {
  limit: number;
  order: SortOrder;
  after?: string;
  before?: string;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

export type Query = Record<string, string | string[] | undefined>;

/** The single value of a query parameter; a repeated parameter takes its last value. */
export function queryValue(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value.at(-1) : value;
}

export function parseInteger(query: Query, name: string): number | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(raw.trim())) {
    throw invalidType(name, 'an integer', 'a string');
  }
  return Number(raw.trim());
}

export function parseListParams(query: Query): ListParams {
  const limit = parseInteger(query, 'limit') ?? 20;
  if (limit < 1) throw integerOutOfRange('limit', 'integer', 1, limit, 'min');
  if (limit > 100) throw integerOutOfRange('limit', 'integer', 100, limit, 'max');
  const order = queryValue(query, 'order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw unsupportedValue('order', order, ['asc', 'desc']);
  const params: ListParams = { limit, order };
  const after = queryValue(query, 'after');
  const before = queryValue(query, 'before');
  if (after) params.after = after;
  if (before) params.before = before;
  return params;
}

export function listToWire<T extends { id: string }, W>(page: Page<T>, toWire: (item: T) => W) {
  return {
    object: 'list' as const,
    data: page.items.map(toWire),
    first_id: page.items[0]?.id ?? null,
    last_id: page.items.at(-1)?.id ?? null,
    has_more: page.hasMore,
  };
}
