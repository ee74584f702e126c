// Keys (operator, SPEC §13): every key with its policy and spend in the current period; a dialog creates
// one with a policy or edits it; revoking asks first. A new key's secret is shown once, with a copy
// button, until the operator dismisses it: the gateway keeps only its hash.
import { getExactJson, request, sendJson } from '../api.js';
import { el } from '../format.js';
import { ConsoleForm } from './consoleform.js';
import { closable, confirmAction } from './dialogs.js';
import { fillKeyForm, readKeyForm } from './keyform.js';
import { policySummary, spendText, statusBadge } from './policy.js';
import { SecretReveal } from './secret.js';
import { StatusLine } from './status.js';
import * as check from './validate.js';

const $ = (id) => document.getElementById(id);

export class KeysView {
  constructor() {
    this.items = [];
    this.status = new StatusLine($('keys-status'), $('keys-error'));
    this.secret = new SecretReveal();
    this.dialog = closable($('key-dialog'));
    this.form = new ConsoleForm($('key-form'), (form) => this.#save(form));
    $('key-new').addEventListener('click', () => this.#openForm(null));
    $('keys-account').addEventListener('change', () => this.open());
  }

  async open(fresh) {
    const filter = $('keys-account');
    filter.removeAttribute('aria-invalid');
    try {
      const accountId = check.whole(filter, { min: 1 });
      this.items = await getExactJson('/admin/keys', { account_id: accountId });
      this.status.failed(null);
      this.#render(fresh);
    } catch (e) {
      if (e instanceof check.FieldError) filter.setAttribute('aria-invalid', 'true');
      this.status.failed(`Could not list the keys: ${e.message}`);
    }
  }

  reset() {
    this.secret.hide();
    this.status.clear();
  }

  #render(fresh) {
    $('keys-body').replaceChildren(...(this.items.length
      ? this.items.map((key) => this.#row(key, key.id === fresh))
      : [el('tr', { class: 'notice' }, el('td', { colspan: 9 }, 'No keys: create one with New key.'))]));
    const active = this.items.filter((k) => !k.revoked).length;
    $('keys-total').textContent = `· ${active.toLocaleString()} active of ${this.items.length.toLocaleString()}`;
  }

  #row(key, fresh) {
    return el('tr', { 'data-id': key.id, class: [fresh ? 'fresh' : '', key.revoked ? 'revoked' : ''].join(' ').trim() || null },
      el('td', { 'data-label': 'Id' }, `#${key.id}`),
      el('td', { 'data-label': 'Name', class: 'name' }, key.name),
      el('td', { 'data-label': 'Account' }, `#${key.account_id}`),
      el('td', { 'data-label': 'Group' }, key.group),
      el('td', { 'data-label': 'Key' }, el('code', {}, key.key_hint)),
      el('td', { 'data-label': 'Policy', class: 'policy-cell' }, policySummary(key)),
      el('td', { 'data-label': 'Spent / budget', class: 'num spend' }, spendText(key)),
      el('td', { 'data-label': 'Status' }, statusBadge(key)),
      el('td', { 'data-label': 'Actions' }, key.revoked ? el('span', { class: 'muted' }, '–') : el('div', { class: 'row-actions' },
        el('button', { type: 'button', 'aria-label': `Edit key ${key.name}`, onclick: () => this.#openForm(key) }, 'Edit'),
        el('button', { type: 'button', class: 'danger', 'aria-label': `Revoke key ${key.name}`, onclick: () => this.#revoke(key) }, 'Revoke'))));
  }

  #openForm(key) {
    this.editing = key;
    this.form.clear();
    fillKeyForm($('key-form'), key);
    $('key-dialog-title').textContent = key ? `Edit key “${key.name}” (#${key.id})` : 'New key';
    $('key-submit').textContent = key ? 'Save changes' : 'Create key';
    $('key-expires-zone').textContent = `(your time, ${Intl.DateTimeFormat().resolvedOptions().timeZone})`;
    this.dialog.showModal();
  }

  async #save(form) {
    const key = this.editing;
    const body = readKeyForm(form, key);
    const saved = key
      ? await sendJson(`/admin/keys/${key.id}`, 'PATCH', body)
      : await sendJson('/admin/keys', 'POST', body);
    this.dialog.close();
    if (key) {
      this.items = this.items.map((k) => (k.id === saved.id ? saved : k));
      this.#render(saved.id);
      this.status.done(`Key “${saved.name}” saved.`);
      return;
    }
    this.secret.show(saved.name, saved.key);
    this.status.done(`Key “${saved.name}” created for account #${saved.account_id}.`);
    await this.open(saved.id);
  }

  async #revoke(key) {
    const confirmed = await confirmAction({
      title: `Revoke key “${key.name}”?`,
      text: `Every request with key ${key.key_hint} is refused from now on, on every instance within 2 seconds. This cannot be undone.`,
      action: 'Revoke key',
    });
    if (!confirmed) return;
    try {
      await request(`/admin/keys/${key.id}`, { method: 'DELETE' });
      const revoked = await getExactJson(`/admin/keys/${key.id}`);
      this.items = this.items.map((k) => (k.id === revoked.id ? revoked : k));
      this.#render(revoked.id);
      this.status.done(`Key “${key.name}” revoked.`);
    } catch (e) {
      this.status.failed(`Could not revoke key “${key.name}”: ${e.message}`);
    }
  }
}
