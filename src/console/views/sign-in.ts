// Sign in with an API key: it is checked against the server, then kept for this tab only.
import { Api } from '../api.js';
import type { View } from '../context.js';
import { alertRegion, h, messageOf, showAlert } from '../dom.js';
import { saveKey } from '../session.js';

/**
 * Why the reader was sent here, by a code in the address: anyone can make a link to this screen,
 * so it shows only its own sentences, never text from the address.
 */
const notices = new Map([['refused', 'The server refused the saved API key. Sign in again.']]);

/** Where to go after signing in: a console address (#/...) from the link, else the threads. */
function nextAddress(next: string | null): string {
  return next !== null && /^#\/(?!\/)/.test(next) ? next : '#/threads';
}

export const signInView: View = async (route, context) => {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'api-key-help',
  });
  const alert = alertRegion();
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const notice = notices.get(route.params.get('reason') ?? '');
  if (notice) showAlert(alert, notice);
  const form = h(
    'form',
    {
      class: 'card narrow',
      'aria-labelledby': 'sign-in-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const key = input.value.trim();
        submit.disabled = true;
        showAlert(alert, null);
        try {
          // Any call checks the key; this one is the cheapest.
          await new Api(key).listThreads(new URLSearchParams({ limit: '1' }));
          saveKey(key);
          context.announce('Signed in.');
          context.go(nextAddress(route.params.get('next')));
        } catch (error) {
          showAlert(alert, messageOf(error));
          input.focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', { id: 'sign-in-title', tabindex: -1 }, 'Sign in'),
    h('label', { class: 'field', for: 'api-key' }, h('span', { class: 'field-label' }, 'API key')),
    input,
    h(
      'p',
      { id: 'api-key-help', class: 'hint' },
      'A key made with spool keys create, or one of SPOOL_API_KEYS. It is kept in this browser tab only. On a server without keys, any value works.',
    ),
    alert,
    submit,
  );
  return form;
};
