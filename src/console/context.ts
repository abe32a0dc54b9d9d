// What every screen of the console gets: the API client, navigation, and a way to tell the reader
// what just happened.
import type { Api } from './api.js';
import type { Route } from './router.js';

export interface Context {
  api: Api;
  /** Goes to an address (#/...), showing it afresh even when it is the current one. */
  go(hash: string): void;
  /** Says, in the status line read out by screen readers, what an action did. */
  announce(message: string): void;
}

/** A screen: loads what it shows, then returns it; the console puts it on the page. */
export type View = (route: Route, context: Context) => Promise<Node>;
