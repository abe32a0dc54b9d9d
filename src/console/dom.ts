// A small helper to build DOM trees: text is always set as text, never parsed as HTML.

type Child = Node | string | number | null | undefined | false;
type Listener = (event: Event) => void;
export type Attributes = Record<string, string | number | boolean | null | undefined | Listener>;

/** `h('button', { type: 'button', onclick: go }, 'Go')`: attributes, `on…` listeners, then children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  element.append(
    ...children
      .filter((child): child is Node | string | number => child !== null && child !== undefined && child !== false)
      .map((child) => (typeof child === 'number' ? String(child) : child)),
  );
  return element;
}

/** A Unix time in seconds as a <time> element, in the reader's locale. */
export function timeElement(seconds: number): HTMLTimeElement {
  const date = new Date(seconds * 1000);
  const label = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  return h('time', { datetime: date.toISOString(), title: date.toISOString() }, label);
}

/** Metadata as a list of `key: value` chips, or nothing when empty. */
export function metadataChips(metadata: Record<string, string>, label: string): HTMLElement | null {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return null;
  return h(
    'ul',
    { class: 'chips', 'aria-label': label },
    ...entries.map(([key, value]) => h('li', { class: 'chip' }, h('span', { class: 'chip-key' }, key), ': ', value)),
  );
}

/** The message of an error, for a person. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A region that announces an error to assistive technology when filled. */
export function alertRegion(): HTMLElement {
  return h('p', { class: 'error', role: 'alert', hidden: true });
}

export function showAlert(region: HTMLElement, message: string | null): void {
  region.textContent = message ?? '';
  region.hidden = message === null;
}
