// Accounts (operator, SPEC §13): a page of accounts with their balances, a form to create one, a top-up
// dialog and each account's switch for recording client IPs. Every change puts the gateway's answer into
// the table, so it stays current without a reload.
import { getExactJson, jsonNumber, sendJson } from '../api.js';
import { el, formatUsd } from '../format.js';
import { ConsoleForm } from './consoleform.js';
import { closable } from './dialogs.js';
import { StatusLine } from './status.js';
import * as check from './validate.js';

const PAGE = 20;
const $ = (id) => document.getElementById(id);

/** The offset of the page that holds the last of `total` accounts. */
const lastPage = (total) => Math.max(0, Math.floor((total - 1) / PAGE) * PAGE);

export class AccountsView {
  constructor() {
    this.offset = 0;
    this.total = 0;
    this.items = [];
    this.status = new StatusLine($('accounts-status'), $('accounts-error'));
    this.createForm = new ConsoleForm($('account-form'), (form) => this.#create(form));
    this.topUpDialog = closable($('topup-dialog'));
    this.topUpForm = new ConsoleForm($('topup-form'), (form) => this.#topUp(form));
    $('accounts-prev').addEventListener('click', () => this.#load(Math.max(0, this.offset - PAGE)));
    $('accounts-next').addEventListener('click', () => this.#load(this.offset + PAGE));
  }

  open() { return this.#load(this.offset); }

  reset() {
    this.offset = 0;
    this.status.clear();
  }

  async #load(offset, fresh) {
    try {
      const page = await getExactJson('/admin/accounts', { limit: PAGE, offset });
      if (page.items.length === 0 && page.total > 0 && offset > 0) return this.#load(lastPage(page.total), fresh);
      Object.assign(this, { offset, total: page.total, items: page.items });
      this.status.failed(null);
      this.#render(fresh);
    } catch (e) {
      this.status.failed(`Could not list the accounts: ${e.message}`);
    }
  }

  #render(fresh) {
    const body = $('accounts-body');
    body.replaceChildren(...(this.items.length
      ? this.items.map((account) => this.#row(account, account.id === fresh))
      : [el('tr', { class: 'notice' }, el('td', { colspan: 5 }, 'No accounts yet: create the first one above.'))]));
    $('accounts-total').textContent = `· ${this.total.toLocaleString()} in total`;
    $('accounts-page').textContent = this.total ? `${this.offset + 1}–${this.offset + this.items.length} of ${this.total}` : '';
    $('accounts-prev').disabled = this.offset === 0;
    $('accounts-next').disabled = this.offset + this.items.length >= this.total;
  }

  #row(account, fresh) {
    return el('tr', { 'data-id': account.id, class: fresh ? 'fresh' : null },
      el('td', { 'data-label': 'Id' }, `#${account.id}`),
      el('td', { 'data-label': 'Name', class: 'name' }, account.name),
      el('td', { 'data-label': 'Balance', class: 'num balance' }, formatUsd(account.balance)),
      el('td', { 'data-label': 'Client IPs' },
        el('button', {
          type: 'button', 'aria-pressed': String(account.record_ip), title: 'Record the client IP on this account\'s rows',
          onclick: () => this.#recordIp(account),
        }, 'Record IPs'),
        el('span', { class: 'muted small state' }, account.record_ip ? ' on' : ' off')),
      el('td', { 'data-label': 'Actions' }, el('div', { class: 'row-actions' },
        el('button', { type: 'button', onclick: () => this.#openTopUp(account) }, 'Top up'))));
  }

  #replace(account) {
    this.items = this.items.map((a) => (a.id === account.id ? account : a));
    this.#render(account.id);
  }

  async #create(form) {
    const e = form.elements;
    const body = {
      name: check.text(e.name, { required: true }),
      balance: jsonNumber(check.usd(e.balance) ?? '0'),
      record_ip: e.record_ip.checked,
    };
    const account = await sendJson('/admin/accounts', 'POST', body);
    form.reset();
    this.status.done(`Account “${account.name}” created as #${account.id} with ${formatUsd(account.balance)}.`);
    await this.#load(lastPage(this.total + 1), account.id);
  }

  #openTopUp(account) {
    this.topUpAccount = account;
    this.topUpForm.clear();
    $('topup-form').reset();
    $('topup-account').textContent = `“${account.name}” (#${account.id}, ${formatUsd(account.balance)})`;
    this.topUpDialog.showModal();
  }

  async #topUp(form) {
    const amount = check.usd(form.elements.amount, { required: true, negative: true, nonZero: true });
    const { id, name } = this.topUpAccount;
    const account = await sendJson(`/admin/accounts/${id}/topup`, 'POST', { amount: jsonNumber(amount) });
    this.topUpDialog.close();
    this.#replace(account);
    this.status.done(`Topped up “${name}” by ${formatUsd(amount)}: the balance is now ${formatUsd(account.balance)}.`);
  }

  async #recordIp(account) {
    try {
      const body = { record_ip: !account.record_ip };
      const changed = await sendJson(`/admin/accounts/${account.id}`, 'PATCH', body);
      this.#replace(changed);
      this.status.done(`Client IPs of “${changed.name}” are ${changed.record_ip ? 'recorded from now on' : 'no longer recorded'}.`);
    } catch (e) {
      this.status.failed(`Could not change IP recording of “${account.name}”: ${e.message}`);
    }
  }
}
