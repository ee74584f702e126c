// A key holder's own key (SPEC §13): its policy, what it spent in this budget period and what is left,
// from GET /v1/key, which answers about the calling key alone.
import { getExactJson } from '../api.js';
import { el, formatUsd } from '../format.js';
import { budgetLeft, periodText, policyFacts, statusBadge } from './policy.js';

const $ = (id) => document.getElementById(id);

export class OwnKeyView {
  async open() {
    try {
      const key = await getExactJson('/v1/key');
      $('own-key-error').hidden = true;
      this.#show(key);
    } catch (e) {
      $('own-key').replaceChildren();
      $('own-key-error').textContent = `Could not read your key: ${e.message}`;
      $('own-key-error').hidden = false;
    }
  }

  reset() { $('own-key').replaceChildren(); }

  #show(key) {
    const left = budgetLeft(key);
    const facts = [
      ['Name', key.name],
      ['Key', el('code', {}, key.key_hint)],
      ['Status', statusBadge(key)],
      ['Group', key.group],
      ['Budget', key.budget === null ? 'none' : formatUsd(key.budget)],
      ['Budget period', periodText(key)],
      ['Spent this period', formatUsd(key.spent)],
      ['Budget left', left === null ? 'no budget: the account balance is the limit' : formatUsd(left)],
      ...policyFacts(key),
    ];
    $('own-key').replaceChildren(...facts.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  }
}
