// The Usage Logs page: sign-in, filters in the URL, overview, chart, table, export and playground; for the
// operator the console's views (accounts, keys, models & prices), for a key holder their own key.
import { ApiError, getJson } from './api.js';
import { columnSettings } from './columns.js';
import { AccountsView } from './console/accounts.js';
import { KeysView } from './console/keys.js';
import { ModelsView } from './console/models.js';
import { OwnKeyView } from './console/ownkey.js';
import { exportCsv } from './export.js';
import * as filters from './filters.js';
import { Playground } from './playground.js';
import { UsageChart, loadStats } from './overview.js';
import { session } from './session.js';
import { setUpSignIn, showSignIn } from './signin.js';
import { LogTable } from './table.js';
import { Tabs } from './tabs.js';

const $ = (id) => document.getElementById(id);
const form = $('filters');
const table = new LogTable($('logs-head'), $('logs-body'));
const chart = new UsageChart($('chart'), $('chart-note'));
const playground = new Playground(() => query({ quiet: true }));
// Each view loads what it shows when its tab is selected, so it is current whenever it is looked at.
const views = { playground, accounts: new AccountsView(), keys: new KeysView(), models: new ModelsView(), key: new OwnKeyView() };
const tabs = new Tabs(document.querySelector('.tabs'), (name) => views[name]?.open());
const suggestions = { groups: new Set(['default']), tokens: new Set(), models: new Set() };
let state = filters.fromUrl();
let visibleColumns = () => [];
let inFlight = null;

function showError(message) {
  $('error').textContent = message ?? '';
  $('error').hidden = !message;
}

function stateToForm() {
  const { start, end } = filters.resolveRange(state);
  form.elements.start.value = filters.toLocalInput(start);
  form.elements.end.value = filters.toLocalInput(end);
  for (const name of ['account_id', 'group', 'token_name', 'model', 'type']) form.elements[name].value = state[name];
  for (const button of form.querySelectorAll('[data-range]')) button.setAttribute('aria-pressed', String(button.dataset.range === state.range));
  const sizes = $('page-size');
  if (![...sizes.options].some((o) => o.value === String(state.page_size))) sizes.append(new Option(String(state.page_size)));
  sizes.value = String(state.page_size);
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function formToState() {
  const next = { ...state, page: 1 };
  for (const name of ['group', 'token_name', 'model', 'type']) next[name] = form.elements[name].value.trim();
  next.account_id = session.isOperator ? form.elements.account_id.value.trim() : '';
  if (form.dataset.customTime === 'true' || !state.range) {
    next.range = '';
    next.start = filters.fromLocalInput(form.elements.start.value);
    next.end = filters.fromLocalInput(form.elements.end.value);
  }
  return next;
}

/** Makes `next` the page's state: in the URL (a history entry unless replacing), the form, then the data. */
function apply(next, { replace = false, rowsOnly = false } = {}) {
  state = next;
  delete form.dataset.customTime;
  const url = filters.toUrl(state) + location.hash;
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  stateToForm();
  query({ rowsOnly });
}

function remember(rows) {
  for (const row of rows) {
    if (row.group) suggestions.groups.add(row.group);
    if (row.token_name) suggestions.tokens.add(row.token_name);
    if (row.model && row.type !== 'system') suggestions.models.add(row.model);
  }
  for (const [id, values] of [['groups-list', suggestions.groups], ['tokens-list', suggestions.tokens], ['models-list', suggestions.models]])
    $(id).replaceChildren(...[...values].sort().map((v) => Object.assign(document.createElement('option'), { value: v })));
  if (!session.isOperator && rows[0]?.account_id) $('who-label').textContent = `API key · account #${rows[0].account_id} only`;
}

async function query({ rowsOnly = false, quiet = false } = {}) {
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const params = filters.toApiParams(state);
  const columns = visibleColumns();
  if (!quiet) table.loading(columns);
  showError(null);
  const rows = getJson('/logs', { ...params, page: state.page, page_size: state.page_size }, { signal: controller.signal });
  const overview = rowsOnly ? Promise.resolve(null) : Promise.all([
    loadStats(params, controller.signal),
    chart.load(params, filters.bucketFor(state), controller.signal),
  ]).then(([statsProblem]) => statsProblem, (e) => (e.name === 'AbortError' ? null : e.message));
  try {
    const answer = await rows;
    const pages = Math.max(1, Math.ceil(answer.total / state.page_size));
    $('total').textContent = `· ${answer.total.toLocaleString()} in total`;
    $('page-info').textContent = `Page ${answer.page} of ${pages}`;
    $('prev').disabled = answer.page <= 1;
    $('next').disabled = answer.page >= pages;
    remember(answer.items);
    table.show(columns, answer.items);
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (e instanceof ApiError && e.status === 401) return signOut('The key is no longer accepted (revoked?). Sign in again.');
    if (e.param) form.elements[e.param]?.setAttribute('aria-invalid', 'true');
    table.failed(columns, e.message);
    showError(e.message);
    $('total').textContent = '';
    $('page-info').textContent = '';
    $('prev').disabled = $('next').disabled = true;
    return;
  }
  const problem = await overview;
  if (problem && inFlight === controller) showError(problem);
}

async function loadSuggestions() {
  try {
    if (session.isOperator) {
      for (const key of await getJson('/admin/keys')) {
        suggestions.tokens.add(key.name);
        suggestions.groups.add(key.group);
      }
    } else {
      for (const model of (await getJson('/v1/models')).data ?? []) suggestions.models.add(model.id);
    }
    remember([]);
  } catch { /* suggestions are a convenience; the filters work without them */ }
}

function start() {
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('who').hidden = false;
  $('who-label').textContent = session.isOperator ? 'Operator (admin key) · all accounts' : 'API key · own account only';
  $('f-account-field').hidden = !session.isOperator;
  visibleColumns = columnSettings($('column-list'), session.isOperator, () => table.show(visibleColumns()));
  if (!session.isOperator) state.account_id = '';
  stateToForm();
  history.replaceState(null, '', filters.toUrl(state) + location.hash);
  tabs.offer(session.role);
  tabs.select(location.hash.slice(1));
  loadSuggestions();
  query();
}

function signOut(message) {
  session.clear();
  // Nothing one key saw stays on the page for the next: a new key's secret least of all.
  for (const view of Object.values(views)) view.reset?.();
  showSignIn();
  if (message) {
    $('sign-in-error').textContent = message;
    $('sign-in-error').hidden = false;
  }
}

form.addEventListener('submit', (event) => { event.preventDefault(); apply(formToState()); });
$('reset').addEventListener('click', () => apply(filters.defaults(state.page_size)));
for (const button of form.querySelectorAll('[data-range]'))
  button.addEventListener('click', () => apply({ ...formToState(), range: button.dataset.range, start: '', end: '' }));
for (const input of [form.elements.start, form.elements.end])
  input.addEventListener('input', () => { form.dataset.customTime = 'true'; form.querySelectorAll('[data-range]').forEach((b) => b.setAttribute('aria-pressed', 'false')); });
$('prev').addEventListener('click', () => apply({ ...state, page: Math.max(1, state.page - 1) }, { rowsOnly: true }));
$('next').addEventListener('click', () => apply({ ...state, page: state.page + 1 }, { rowsOnly: true }));
$('page-size').addEventListener('change', () => apply({ ...state, page: 1, page_size: Number($('page-size').value) }, { rowsOnly: true }));
$('export').addEventListener('click', async () => {
  $('export').disabled = true;
  try { await exportCsv(filters.toApiParams(state)); showError(null); } catch (e) { showError(`Export failed: ${e.message}`); } finally { $('export').disabled = false; }
});
$('sign-out').addEventListener('click', () => signOut());
window.addEventListener('popstate', () => {
  state = filters.fromUrl();
  if (!session.isOperator) state.account_id = '';
  stateToForm();
  query();
});

setUpSignIn(start);
if (session.key) start(); else showSignIn();
