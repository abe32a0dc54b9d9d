// The console's entry point: picks the screen for the address, shows it, and sends a refused key
// back to the sign-in screen.
import { Api, ApiError, serverIsOpen } from './api.js';
import type { Context, View } from './context.js';
import { h, messageOf } from './dom.js';
import { currentRoute, href, type Route } from './router.js';
import { forgetKey, savedKey } from './session.js';
import { messageView } from './views/message-view.js';
import { signInView } from './views/sign-in.js';
import { threadListView } from './views/thread-list.js';
import { newThreadView } from './views/thread-new.js';
import { threadView } from './views/thread-view.js';

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

const main = element('main');
const account = element('account');
const status = element('status');
let statusTimer: ReturnType<typeof setTimeout> | undefined;
let renders = 0;

const context: Context = {
  api: new Api(''),
  go(hash) {
    if (location.hash === hash) void show();
    else location.hash = hash;
  },
  announce(message) {
    status.textContent = message;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => {
      status.textContent = '';
    }, 6000);
  },
};

function viewFor(route: Route): View {
  const [first, second, third, fourth] = route.segments;
  if (first === 'sign-in') return signInView;
  if (first === 'threads' && second === 'new') return newThreadView;
  if (first === 'threads' && second && third === 'messages' && fourth) return messageView;
  if (first === 'threads' && second) return threadView;
  return threadListView;
}

function showAccount(signedIn: boolean): void {
  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'button subtle',
      onclick: () => {
        forgetKey();
        context.announce('Signed out.');
        context.go(href(['sign-in']));
      },
    },
    'Sign out',
  );
  account.replaceChildren(...(signedIn ? [signOut] : []));
}

// Asked once per page load: a server without keys needs no sign-in.
let openServer: Promise<boolean> | undefined;

async function show(): Promise<void> {
  const render = ++renders;
  const route = currentRoute();
  const key = savedKey();
  if (key === null && route.segments[0] !== 'sign-in') {
    openServer ??= serverIsOpen();
    const open = await openServer;
    // A later navigation started while the server was asked: its screen wins.
    if (render !== renders) return;
    if (!open) {
      const next = location.hash && location.hash !== '#/' ? new URLSearchParams({ next: location.hash }) : undefined;
      location.replace(href(['sign-in'], next));
      return;
    }
  }
  context.api = new Api(key ?? '');
  showAccount(key !== null);
  let view: Node;
  try {
    view = await viewFor(route)(route, context);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetKey();
      // A code, not the server's text: that would put the (masked) key in the address.
      location.replace(href(['sign-in'], new URLSearchParams({ reason: 'refused', next: location.hash })));
      return;
    }
    view = h(
      'section',
      { class: 'view' },
      h('h1', { tabindex: -1 }, 'Something went wrong'),
      h('p', { role: 'alert' }, messageOf(error)),
      h('a', { href: href(['threads']) }, 'All threads'),
    );
  }
  // A later navigation has already started: its screen wins.
  if (render !== renders) return;
  main.replaceChildren(view);
  const heading = main.querySelector('h1');
  document.title = `${heading?.textContent ?? 'Spool'} · Spool console`;
  (heading ?? main).focus();
}

window.addEventListener('hashchange', () => void show());
void show();
