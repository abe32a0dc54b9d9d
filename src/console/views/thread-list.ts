// The threads, newest first, twenty to a page, filtered by metadata pairs (all must match).
import type { Thread } from '../api.js';
import type { View } from '../context.js';
import { h, metadataChips, timeElement } from '../dom.js';
import { href } from '../router.js';
import { metadataEditor } from './metadata-editor.js';
import { pageMode, pageQuery, pager } from './pager.js';

export const threadsPerPage = 20;

/** The metadata filters in an address: metadata[key]=value pairs. */
function filtersOf(params: URLSearchParams): Array<[string, string]> {
  return [...params].flatMap(([name, value]): Array<[string, string]> => {
    const key = /^metadata\[(.+)\]$/.exec(name)?.[1];
    return key === undefined ? [] : [[key, value]];
  });
}

function filterParams(filters: Array<[string, string]>): URLSearchParams {
  return new URLSearchParams(filters.map(([key, value]) => [`metadata[${key}]`, value]));
}

function threadItem(thread: Thread): HTMLElement {
  return h(
    'li',
    { class: 'thread' },
    h('a', { class: 'thread-link', href: href(['threads', thread.id]) }, h('code', {}, thread.id)),
    h('span', { class: 'meta' }, 'Created ', timeElement(thread.created_at)),
    metadataChips(thread.metadata, `Metadata of ${thread.id}`),
  );
}

export const threadListView: View = async (route, context) => {
  const filters = filtersOf(route.params);
  const query = pageQuery(route.params, 'desc', threadsPerPage);
  for (const [name, value] of filterParams(filters)) query.append(name, value);
  const page = await context.api.listThreads(query);

  const editor = metadataEditor(filters, {
    legend: 'Filter by metadata',
    add: 'Add filter',
    remove: (row) => `Remove filter ${row}`,
  });
  const filterForm = h(
    'form',
    {
      role: 'search',
      class: 'card filters',
      'aria-label': 'Filter threads',
      onsubmit: (event: Event) => {
        event.preventDefault();
        context.go(href(['threads'], filterParams(editor.read())));
      },
    },
    editor.element,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, 'Apply filters'),
      filters.length > 0
        ? h(
            'button',
            { type: 'button', class: 'button', onclick: () => context.go(href(['threads'])) },
            'Clear filters',
          )
        : null,
    ),
  );

  const empty = filters.length > 0 ? 'No threads match these filters.' : 'No threads yet. Create one with New thread.';
  const results =
    page.data.length === 0
      ? h('p', { class: 'empty' }, empty)
      : h('ul', { class: 'thread-list', 'aria-label': 'Threads' }, ...page.data.map(threadItem));
  const base = ([name, value]: [string, string]) => {
    const params = filterParams(filters);
    params.set(name, value);
    return href(['threads'], params);
  };
  return h(
    'section',
    { class: 'view' },
    h(
      'div',
      { class: 'view-head' },
      h('h1', { tabindex: -1 }, 'Threads'),
      h('a', { class: 'button primary', href: href(['threads', 'new']) }, 'New thread'),
    ),
    filterForm,
    results,
    pager('Pages of threads', pageMode(route.params), page, page.data, base, context),
  );
};
