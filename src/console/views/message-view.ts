// One message on a screen of its own (#/threads/<thread>/messages/<message>): where a run step's
// "wrote a message" leads, whichever page of the thread the message is on.
import { ApiError, type Message } from '../api.js';
import type { View } from '../context.js';
import { h } from '../dom.js';
import { href } from '../router.js';
import { messageArticle } from './message-content.js';
import { fact } from './run-facts.js';

export const messageView: View = async (route, context) => {
  const threadId = route.segments[1] ?? '';
  const messageId = route.segments[3] ?? '';
  const back = h('a', { class: 'back', href: href(['threads', threadId]) }, '← Thread ', h('code', {}, threadId));
  let message: Message;
  try {
    message = await context.api.getMessage(threadId, messageId);
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
    return h(
      'section',
      { class: 'view' },
      back,
      h('h1', { tabindex: -1 }, 'Message not found'),
      h('p', { role: 'alert' }, error.message),
    );
  }
  return h(
    'section',
    { class: 'view' },
    back,
    h('h1', { tabindex: -1 }, 'Message ', h('code', {}, message.id)),
    h(
      'dl',
      { class: 'facts' },
      fact('Thread', h('code', {}, message.thread_id)),
      message.run_id ? fact('Written by run', h('code', {}, message.run_id)) : null,
      message.assistant_id ? fact('Assistant', h('code', {}, message.assistant_id)) : null,
    ),
    messageArticle(message),
  );
};
