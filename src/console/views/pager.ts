// Previous/next navigation over a cursor-paginated list: `after` the last item shown for the next
// page, `before` the first one for the previous page, and `has_more` to know when to stop.
import type { List } from '../api.js';
import type { Context } from '../context.js';
import { h } from '../dom.js';

export type PageMode = 'first' | 'after' | 'before' | 'last';

export function pageMode(params: URLSearchParams): PageMode {
  if (params.has('after')) return 'after';
  if (params.has('before')) return 'before';
  return params.get('page') === 'last' ? 'last' : 'first';
}

/** The query for the page `params` names, with the list's own order and page size. */
export function pageQuery(params: URLSearchParams, order: 'asc' | 'desc', limit: number): URLSearchParams {
  const query = new URLSearchParams({ limit: String(limit), order });
  const mode = pageMode(params);
  if (mode === 'after') query.set('after', params.get('after') ?? '');
  if (mode === 'before') query.set('before', params.get('before') ?? '');
  // The last page: read backwards from the end, then show it in the list's order.
  if (mode === 'last') query.set('order', order === 'asc' ? 'desc' : 'asc');
  return query;
}

/**
 * Previous and next buttons for a page whose items are shown as `shown` (the last page comes back
 * reversed, so the API's first_id and last_id do not say which item is shown first).
 */
export function pager(
  label: string,
  mode: PageMode,
  page: List<{ id: string }>,
  shown: Array<{ id: string }>,
  base: (cursor: [string, string]) => string,
  context: Context,
): HTMLElement {
  const firstId = shown[0]?.id;
  const lastId = shown.at(-1)?.id;
  const hasPrevious =
    firstId !== undefined && (mode === 'after' || ((mode === 'before' || mode === 'last') && page.has_more));
  const hasNext =
    lastId !== undefined && (mode === 'before' || ((mode === 'first' || mode === 'after') && page.has_more));
  const button = (text: string, enabled: boolean, cursor: [string, string] | undefined) =>
    h(
      'button',
      { type: 'button', class: 'button', disabled: !enabled, onclick: () => cursor && context.go(base(cursor)) },
      text,
    );
  return h(
    'nav',
    { class: 'pager', 'aria-label': label },
    button('Previous page', hasPrevious, firstId === undefined ? undefined : ['before', firstId]),
    button('Next page', hasNext, lastId === undefined ? undefined : ['after', lastId]),
  );
}
