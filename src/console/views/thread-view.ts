// One thread: its metadata (editable), its messages fifty to a page in the order they were written,
// its runs and their steps, a form to add a message, and deletion behind a confirmation. Each part
// is a panel of its own.
import { ApiError, type List, type Message, type Run, type Thread } from '../api.js';
import type { Context, View } from '../context.js';
import { alertRegion, h, messageOf, metadataChips, showAlert, timeElement } from '../dom.js';
import { href, type Route } from '../router.js';
import { confirmDialog } from './confirm.js';
import { messageArticle } from './message-content.js';
import { messageFields } from './message-form.js';
import { metadataEditor } from './metadata-editor.js';
import { pageMode, pageQuery, pager } from './pager.js';
import { runsPanel, runsPerPage } from './runs-panel.js';

export const messagesPerPage = 50;

interface ThreadPage {
  thread: Thread;
  messages: List<Message>;
  /** The messages in the order shown: oldest first. */
  shown: Message[];
  runs: List<Run>;
  route: Route;
  context: Context;
}

function metadataPanel({ thread, context }: ThreadPage): HTMLElement {
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'metadata-title' });
  const show = () => {
    const edit = h('button', { type: 'button', class: 'button', onclick: () => editing() }, 'Edit metadata');
    panel.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', { id: 'metadata-title' }, 'Metadata'), edit),
      metadataChips(thread.metadata, 'Thread metadata') ?? h('p', { class: 'empty' }, 'No metadata.'),
    );
    return edit;
  };
  const editing = () => {
    const editor = metadataEditor(Object.entries(thread.metadata), {
      legend: 'Keys and values',
      add: 'Add a key',
      remove: (row) => `Remove key ${row}`,
    });
    const alert = alertRegion();
    const save = h('button', { type: 'submit', class: 'button primary' }, 'Save metadata');
    const form = h(
      'form',
      {
        'aria-label': 'Edit metadata',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          save.disabled = true;
          try {
            thread.metadata = (
              await context.api.updateThreadMetadata(thread.id, Object.fromEntries(editor.read()))
            ).metadata;
            context.announce('Metadata saved.');
            show().focus();
          } catch (error) {
            showAlert(alert, messageOf(error));
          } finally {
            save.disabled = false;
          }
        },
      },
      editor.element,
      alert,
      h(
        'div',
        { class: 'actions' },
        save,
        h('button', { type: 'button', class: 'button', onclick: () => show().focus() }, 'Cancel'),
      ),
    );
    panel.replaceChildren(h('div', { class: 'panel-head' }, h('h2', { id: 'metadata-title' }, 'Metadata')), form);
    form.querySelector('input')?.focus();
  };
  show();
  return panel;
}

function toolResourcesPanel({ thread }: ThreadPage): HTMLElement | null {
  if (Object.keys(thread.tool_resources).length === 0) return null;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'tools-title' },
    h('h2', { id: 'tools-title' }, 'Tool resources'),
    h('pre', { class: 'raw' }, JSON.stringify(thread.tool_resources, null, 2)),
  );
}

function messagesPanel({ thread, messages, shown, route, context }: ThreadPage): HTMLElement {
  const base = ([name, value]: [string, string]) => href(['threads', thread.id], new URLSearchParams([[name, value]]));
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'messages-title' },
    h('h2', { id: 'messages-title' }, 'Messages'),
    shown.length === 0
      ? h('p', { class: 'empty' }, 'No messages on this page.')
      : h('div', { class: 'messages' }, ...shown.map(messageArticle)),
    pager('Pages of messages', pageMode(route.params), messages, shown, base, context),
  );
}

function addMessagePanel({ thread, context }: ThreadPage): HTMLElement {
  const fields = messageFields('New message', true);
  const alert = alertRegion();
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Add message');
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'add-message-title' },
    h('h2', { id: 'add-message-title' }, 'Add a message'),
    h(
      'form',
      {
        'aria-labelledby': 'add-message-title',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const message = fields.read();
          if (!message) return;
          submit.disabled = true;
          try {
            await context.api.createMessage(thread.id, message);
            fields.reset();
            context.announce('Message added.');
            // The newest messages are on the last page.
            context.go(href(['threads', thread.id], new URLSearchParams({ page: 'last' })));
          } catch (error) {
            showAlert(alert, messageOf(error));
          } finally {
            submit.disabled = false;
          }
        },
      },
      fields.element,
      alert,
      submit,
    ),
  );
}

function deletePanel({ thread, context }: ThreadPage): HTMLElement {
  const alert = alertRegion();
  return h(
    'section',
    { class: 'panel danger-zone', 'aria-labelledby': 'delete-title' },
    h('h2', { id: 'delete-title' }, 'Delete this thread'),
    h('p', {}, 'Deleting a thread deletes its messages too. It cannot be undone.'),
    alert,
    h(
      'button',
      {
        type: 'button',
        class: 'button danger',
        onclick: async () => {
          const confirmed = await confirmDialog({
            title: 'Delete this thread?',
            body: `${thread.id} and all its messages will be deleted. This cannot be undone.`,
            confirm: 'Delete thread',
          });
          if (!confirmed) return;
          try {
            await context.api.deleteThread(thread.id);
            context.announce(`Deleted ${thread.id}.`);
            context.go(href(['threads']));
          } catch (error) {
            showAlert(alert, messageOf(error));
          }
        },
      },
      'Delete thread',
    ),
  );
}

export const threadView: View = async (route, context) => {
  const id = route.segments[1] ?? '';
  let thread: Thread;
  try {
    thread = await context.api.getThread(id);
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
    return h(
      'section',
      { class: 'view' },
      h('h1', { tabindex: -1 }, 'Thread not found'),
      h('p', { role: 'alert' }, error.message),
      h('a', { href: href(['threads']) }, 'All threads'),
    );
  }
  const [messages, runs] = await Promise.all([
    context.api.listMessages(thread.id, pageQuery(route.params, 'asc', messagesPerPage)),
    context.api.listRuns(thread.id, new URLSearchParams({ order: 'desc', limit: String(runsPerPage) })),
  ]);
  const shown = pageMode(route.params) === 'last' ? [...messages.data].reverse() : messages.data;
  const page: ThreadPage = { thread, messages, shown, runs, route, context };
  return h(
    'section',
    { class: 'view' },
    h('a', { class: 'back', href: href(['threads']) }, '← All threads'),
    h('div', { class: 'view-head' }, h('h1', { tabindex: -1 }, 'Thread ', h('code', {}, thread.id))),
    h('p', { class: 'meta' }, 'Created ', timeElement(thread.created_at)),
    metadataPanel(page),
    toolResourcesPanel(page),
    messagesPanel(page),
    runsPanel(thread.id, runs, context),
    addMessagePanel(page),
    deletePanel(page),
  );
};
