// A list showing the first page of a cursor-paginated API list and, while the API says there is
// more, a button that appends the next page after the last item shown.
import type { List } from '../api.js';
import { alertRegion, h, messageOf, showAlert } from '../dom.js';

export interface LoadMoreOptions<T extends { id: string }> {
  /** The list's accessible name. */
  label: string;
  first: List<T>;
  /** The page after the item with this id. */
  next(after: string): Promise<List<T>>;
  item(value: T): HTMLElement;
  /** The button's text, e.g. 'Load older runs'. */
  more: string;
  className: string;
}

export function loadMoreList<T extends { id: string }>(options: LoadMoreOptions<T>): HTMLElement {
  const list = h('ul', { class: options.className, 'aria-label': options.label });
  const alert = alertRegion();
  let lastId: string | undefined;
  const button = h('button', { type: 'button', class: 'button' }, options.more);
  const add = (page: List<T>) => {
    list.append(...page.data.map((value) => h('li', {}, options.item(value))));
    lastId = page.data.at(-1)?.id ?? lastId;
    button.hidden = !page.has_more || lastId === undefined;
  };
  button.addEventListener('click', async () => {
    if (lastId === undefined) return;
    button.disabled = true;
    showAlert(alert, null);
    try {
      add(await options.next(lastId));
    } catch (error) {
      showAlert(alert, messageOf(error));
    } finally {
      button.disabled = false;
    }
  });
  add(options.first);
  return h('div', { class: 'load-more' }, list, alert, button);
}
