// A new key's secret, shown once: the gateway answers it only to the call that created the key. It stays
// on screen (with a copy button) until the operator dismisses it or signs out, then it is gone from the page.
const $ = (id) => document.getElementById(id);

export class SecretReveal {
  constructor() {
    $('key-secret-copy').addEventListener('click', () => this.#copy());
    $('key-secret-done').addEventListener('click', () => this.hide());
  }

  show(name, secret) {
    $('key-secret-name').textContent = name;
    $('key-secret-value').textContent = secret;
    $('key-secret-copied').textContent = '';
    $('key-secret').hidden = false;
    $('key-secret-copy').focus();
  }

  hide() {
    $('key-secret-value').textContent = '';
    $('key-secret').hidden = true;
  }

  async #copy() {
    const secret = $('key-secret-value').textContent;
    try {
      await navigator.clipboard.writeText(secret);
      $('key-secret-copied').textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard API (a page over plain HTTP from another machine is not a secure context): select the
      // key so Ctrl+C copies it.
      getSelection().selectAllChildren($('key-secret-value'));
      $('key-secret-copied').textContent = 'Selected: press Ctrl+C (⌘C) to copy it.';
    }
  }
}
