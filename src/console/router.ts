// Hash routes (#/threads, #/threads/new, #/threads/thread_abc?after=msg_x,
// #/threads/thread_abc/messages/msg_x): a static page serves every screen, and each screen's state,
// filters and page included, is in its address.

export interface Route {
  /** The path segments: ['threads', 'thread_abc']. */
  segments: string[];
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = hash.split('?', 2);
  return {
    segments: path
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

export function href(segments: string[], params?: URLSearchParams): string {
  const query = params?.toString();
  return `#/${segments.map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
}
