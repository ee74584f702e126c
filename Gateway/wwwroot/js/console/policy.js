// A key's policy as the console says it (SPEC §13), for the operator's key table and the key holder's
// own view alike: the same words in both places.
import { Dec } from '../decimal.js';
import { el, formatCount, formatTime, formatUsd } from '../format.js';

const PERIODS = { total: 'total', daily: 'daily (UTC day)', monthly: 'monthly (UTC month)' };

export const keyStatus = (key) => (key.revoked ? 'revoked' : key.expired ? 'expired' : 'active');

export const statusBadge = (key) => el('span', { class: `badge key-${keyStatus(key)}` }, keyStatus(key));

/** What is left of the budget in this period, never below zero; null for a key without a budget. */
export function budgetLeft(key) {
  if (key.budget === null || key.budget === undefined) return null;
  const left = Dec.of(key.budget).sub(Dec.of(key.spent));
  return left.units < 0n ? '0' : left.toString();
}

/** The period's name, with its bounds in the viewer's zone when it is a day or a month. */
export function periodText(key) {
  const name = PERIODS[key.budget_period] ?? key.budget_period;
  return key.period_start ? `${name}, ${formatTime(key.period_start)} – ${formatTime(key.period_end)}` : name;
}

/** "$1.20 of $5.00 monthly", or the spend alone for a key without a budget. */
export function spendText(key) {
  if (key.budget === null || key.budget === undefined) return `${formatUsd(key.spent)} · no budget`;
  return `${formatUsd(key.spent)} of ${formatUsd(key.budget)} ${key.budget_period}`;
}

// A limit of 0 is "no limit" for the key itself; absent, the key's group decides.
const limit = (value) => (value === null || value === undefined ? "the group's" : value === 0 ? 'none' : formatCount(value));

const isSet = (value) => value !== null && value !== undefined;

/** [label, text, restricts] for each part of the policy, defaults included (restricts: false). */
export function policyFacts(key) {
  return [
    ['Expires', key.expires_at ? formatTime(key.expires_at) : 'never', isSet(key.expires_at)],
    ['Models', key.models.length ? key.models.join(', ') : 'all', key.models.length > 0],
    ['Requests per minute', limit(key.rpm), isSet(key.rpm)],
    ['Tokens per minute', limit(key.tpm), isSet(key.tpm)],
    ['IP allow-list', key.ip_allowlist.length ? key.ip_allowlist.join(', ') : 'any address', key.ip_allowlist.length > 0],
  ];
}

/** The policy in a table cell: only the parts that restrict, so a plain key reads as such. */
export function policySummary(key) {
  const set = policyFacts(key).filter(([, , restricts]) => restricts);
  if (!set.length) return el('span', { class: 'muted' }, 'no restrictions');
  return el('ul', { class: 'policy' }, set.map(([name, text]) => el('li', {}, el('span', { class: 'muted' }, `${name}: `), text)));
}
