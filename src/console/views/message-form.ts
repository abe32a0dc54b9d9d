// The fields of a message a person writes: its role, its text and, optionally, an image URL.
import type { MessageInput } from '../api.js';
import { h } from '../dom.js';

let forms = 0;

export interface MessageFields {
  element: HTMLFieldSetElement;
  /** The message entered, or null when the text is empty. */
  read(): MessageInput | null;
  reset(): void;
}

export function messageFields(legend: string, required: boolean): MessageFields {
  const id = `message-${++forms}`;
  const role = h(
    'select',
    { id: `${id}-role`, name: 'role' },
    h('option', { value: 'user' }, 'User'),
    h('option', { value: 'assistant' }, 'Assistant'),
  );
  const text = h('textarea', { id: `${id}-text`, name: 'text', rows: 4, required });
  const image = h('input', {
    id: `${id}-image`,
    name: 'image',
    type: 'url',
    placeholder: 'https://…',
    autocomplete: 'off',
  });
  const element = h(
    'fieldset',
    { class: 'message-fields' },
    h('legend', {}, legend),
    h('label', { class: 'field', for: role.id }, h('span', { class: 'field-label' }, 'Role')),
    role,
    h('label', { class: 'field', for: text.id }, h('span', { class: 'field-label' }, 'Message')),
    text,
    h('label', { class: 'field', for: image.id }, h('span', { class: 'field-label' }, 'Image URL (optional)')),
    image,
  );
  return {
    element,
    read() {
      if (text.value.trim() === '') return null;
      const url = image.value.trim();
      return {
        role: role.value === 'assistant' ? 'assistant' : 'user',
        content: url
          ? [
              { type: 'text', text: text.value },
              { type: 'image_url', image_url: { url } },
            ]
          : text.value,
      };
    },
    reset() {
      text.value = '';
      image.value = '';
    },
  };
}
