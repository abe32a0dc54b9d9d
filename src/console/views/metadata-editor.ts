// Rows of key and value fields for metadata (to edit it, or to filter by it), with add and remove.
import { h } from '../dom.js';

export interface MetadataEditor {
  element: HTMLFieldSetElement;
  /** The pairs entered, rows without a key left out. */
  read(): Array<[string, string]>;
}

export interface EditorLabels {
  legend: string;
  add: string;
  /** The accessible name of the remove button of row n (from 1). */
  remove: (row: number) => string;
}

export function metadataEditor(initial: Array<[string, string]>, labels: EditorLabels): MetadataEditor {
  const rows = h('div', { class: 'kv-rows' });
  const renumber = () => {
    [...rows.children].forEach((row, index) => {
      const [keyLabel, valueLabel] = row.querySelectorAll('.field-label');
      if (keyLabel) keyLabel.textContent = `Key ${index + 1}`;
      if (valueLabel) valueLabel.textContent = `Value ${index + 1}`;
      row.querySelector('button')?.setAttribute('aria-label', labels.remove(index + 1));
    });
  };
  const addRow = (key = '', value = '') => {
    const row = h(
      'div',
      { class: 'kv-row' },
      h(
        'label',
        { class: 'field' },
        h('span', { class: 'field-label' }, 'Key'),
        h('input', { name: 'key', value: key, maxlength: 64, autocomplete: 'off', spellcheck: 'false' }),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', { class: 'field-label' }, 'Value'),
        h('input', { name: 'value', value, maxlength: 512, autocomplete: 'off' }),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button subtle',
          onclick: () => {
            row.remove();
            renumber();
          },
        },
        'Remove',
      ),
    );
    rows.append(row);
    renumber();
    return row;
  };
  for (const [key, value] of initial) addRow(key, value);
  if (initial.length === 0) addRow();
  const element = h(
    'fieldset',
    { class: 'kv' },
    h('legend', {}, labels.legend),
    rows,
    h(
      'button',
      { type: 'button', class: 'button subtle', onclick: () => addRow().querySelector('input')?.focus() },
      labels.add,
    ),
  );
  return {
    element,
    read: () =>
      [...rows.children].flatMap((row): Array<[string, string]> => {
        const [key, value] = [...row.querySelectorAll('input')].map((input) => input.value);
        return key?.trim() ? [[key.trim(), value ?? '']] : [];
      }),
  };
}
