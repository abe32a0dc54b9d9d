// One message as a reader sees it: who wrote it and when, its text, images (by URL, a web one
// loaded on request) and image files, refusals, attachments and metadata.
import type { ContentPart, Message } from '../api.js';
import { h, metadataChips, timeElement } from '../dom.js';

/** Only web and data URLs are shown as images; anything else is shown as text. */
function displayableImageUrl(url: string): boolean {
  try {
    return ['https:', 'http:', 'data:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function imageElement(url: string): HTMLImageElement {
  return h('img', { src: url, alt: 'Image from the message', referrerpolicy: 'no-referrer' });
}

/**
 * An image by URL. A data URL shows at once: it makes no request. A web URL is anyone's, written by
 * whoever added the message: fetching it would tell its owner that, when and from where the thread
 * was read, so it is shown as a link and loaded only when the reader asks.
 */
function imageFigure(url: string): HTMLElement {
  if (url.startsWith('data:'))
    return h('figure', { class: 'image' }, imageElement(url), h('figcaption', {}, 'Inline image (data URL)'));
  const figure = h('figure', { class: 'image' });
  const show = h(
    'button',
    {
      type: 'button',
      class: 'button subtle',
      onclick: () => {
        show.replaceWith(imageElement(url));
      },
    },
    'Show image',
  );
  figure.append(
    show,
    h('figcaption', {}, 'Image from ', h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url)),
  );
  return figure;
}

function part(content: ContentPart): HTMLElement {
  switch (content.type) {
    case 'text':
      return h('div', { class: 'text' }, content.text.value);
    case 'image_url': {
      const url = content.image_url.url;
      if (!displayableImageUrl(url)) return h('p', { class: 'file' }, `Image URL: ${url}`);
      return imageFigure(url);
    }
    case 'image_file':
      return h('p', { class: 'file' }, 'Image file ', h('code', {}, content.image_file.file_id));
    case 'refusal':
      return h('p', { class: 'refusal' }, `Refused: ${content.refusal}`);
    default:
      return h('pre', { class: 'raw' }, JSON.stringify(content, null, 2));
  }
}

function attachments(message: Message): HTMLElement | null {
  if (message.attachments.length === 0) return null;
  return h(
    'ul',
    { class: 'attachments', 'aria-label': 'Attachments' },
    ...message.attachments.map((attachment) =>
      h(
        'li',
        {},
        'Attachment ',
        h('code', {}, attachment.file_id),
        attachment.tools.length > 0 ? ` for ${attachment.tools.map((tool) => tool.type).join(', ')}` : '',
      ),
    ),
  );
}

export function messageArticle(message: Message): HTMLElement {
  const author = message.role === 'assistant' ? 'Assistant' : 'User';
  return h(
    'article',
    { class: `message ${message.role}`, 'aria-label': `${author} message ${message.id}` },
    h(
      'header',
      { class: 'message-head' },
      h('span', { class: 'role' }, author),
      timeElement(message.created_at),
      h('code', { class: 'id' }, message.id),
    ),
    ...message.content.map(part),
    attachments(message),
    metadataChips(message.metadata, 'Message metadata'),
  );
}
