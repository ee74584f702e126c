// Modal <dialog>s of the console: a form dialog opens clean and closes on Cancel; a confirmation answers
// true only when its action button was pressed (Cancel and Escape answer false).
const confirmDialog = () => document.getElementById('confirm-dialog');

/** Wires a form dialog's Cancel buttons ([data-close]) once. */
export function closable(dialog) {
  for (const button of dialog.querySelectorAll('[data-close]')) button.addEventListener('click', () => dialog.close());
  return dialog;
}

export function confirmAction({ title, text, action }) {
  const dialog = confirmDialog();
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = action;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}
