// A modal confirmation for what cannot be undone; it resolves true only on the confirm button.
import { h } from '../dom.js';

export function confirmDialog(options: { title: string; body: string; confirm: string }): Promise<boolean> {
  const titleId = `dialog-title-${Date.now()}`;
  const bodyId = `${titleId}-body`;
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
    h('h2', { id: titleId }, options.title),
    h('p', { id: bodyId }, options.body),
    h(
      'form',
      { method: 'dialog', class: 'actions' },
      h('button', { value: 'cancel', class: 'button', autofocus: true }, 'Cancel'),
      h('button', { value: 'confirm', class: 'button danger' }, options.confirm),
    ),
  );
  document.body.append(dialog);
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
  });
}
