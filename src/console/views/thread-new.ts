// Create a thread: its metadata and, if given, its first message.
import type { MessageInput } from '../api.js';
import type { View } from '../context.js';
import { alertRegion, h, messageOf, showAlert } from '../dom.js';
import { href } from '../router.js';
import { messageFields } from './message-form.js';
import { metadataEditor } from './metadata-editor.js';

export const newThreadView: View = async (_route, context) => {
  const editor = metadataEditor([], { legend: 'Metadata', add: 'Add a key', remove: (row) => `Remove key ${row}` });
  const message = messageFields('First message (optional)', false);
  const alert = alertRegion();
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create thread');
  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'new-thread-title',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        showAlert(alert, null);
        try {
          const first = message.read();
          const messages: MessageInput[] = first ? [first] : [];
          const thread = await context.api.createThread({ metadata: Object.fromEntries(editor.read()), messages });
          context.announce(`Created ${thread.id}.`);
          context.go(href(['threads', thread.id]));
        } catch (error) {
          showAlert(alert, messageOf(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    editor.element,
    message.element,
    alert,
    h('div', { class: 'actions' }, submit, h('a', { class: 'button', href: href(['threads']) }, 'Cancel')),
  );
  return h(
    'section',
    { class: 'view' },
    h('a', { class: 'back', href: href(['threads']) }, '← All threads'),
    h('h1', { id: 'new-thread-title', tabindex: -1 }, 'New thread'),
    form,
  );
};
