// One console form's round trip: check the fields, send, and say what went wrong inside the form: a
// field's own check or the gateway's error text, with the field it names marked and focused.
import { FieldError } from './validate.js';

export class ConsoleForm {
  /** submit(form) reads the fields (throwing FieldError) and sends (throwing ApiError); it returns when done. */
  constructor(form, submit) {
    this.form = form;
    this.error = form.querySelector('[data-error]');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (this.busy) return;
      this.clear();
      this.busy = true;
      const button = form.querySelector('[type="submit"]');
      button.disabled = true;
      try {
        await submit(form);
      } catch (e) {
        this.fail(e);
      } finally {
        this.busy = false;
        button.disabled = false;
      }
    });
  }

  clear() {
    this.error.hidden = true;
    this.error.textContent = '';
    for (const input of this.form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  }

  /** The gateway names a field as `param` ("ip_allowlist[1]"): the form's input of that name is marked. */
  fail(error) {
    const input = error instanceof FieldError ? error.input : this.form.elements[error.param?.replace(/\[\d+\]$/, '') ?? ''];
    if (input instanceof HTMLElement) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
    this.error.textContent = error.message;
    this.error.hidden = false;
  }
}
