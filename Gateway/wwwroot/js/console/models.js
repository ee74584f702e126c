// Models & prices (operator, SPEC §13): every model with its price, from the configuration or overridden at
// run time; a dialog sets an override (PUT /admin/models/{name}), deleting one brings the configured price
// back.
import { getExactJson, jsonNumber, request } from '../api.js';
import { el, formatTime, formatUsd } from '../format.js';
import { ConsoleForm } from './consoleform.js';
import { closable, confirmAction } from './dialogs.js';
import { StatusLine } from './status.js';
import * as check from './validate.js';

const $ = (id) => document.getElementById(id);
const RATIO_LABELS = { model_ratio: 'Model ratio', completion_ratio: 'Completion ratio', cache_ratio: 'Cache ratio', cache_write_ratio: 'Cache write ratio' };
const RATIOS = Object.keys(RATIO_LABELS);
const MAX_RATIO = 1_000_000;
// A name may hold slashes (meta-llama/Llama-3-8b): the route takes the rest of the path, so each segment is encoded alone.
const path = (name) => `/admin/models/${name.split('/').map(encodeURIComponent).join('/')}`;
const shown = (value) => (value === null || value === undefined || value === '' ? '–' : String(value));

const UNITS = { price_per_image: 'image', price_per_second: 'audio second', price_per_character: 'character', price_per_search_unit: 'search unit' };

/** Prices by another unit than tokens (configuration only), as "$0.02 per image"; '' when the model has none. */
function unitPrices(model) {
  const u = model.unit_prices;
  if (!u) return '';
  const parts = Object.entries(UNITS).filter(([field]) => u[field] !== null && u[field] !== undefined)
    .map(([field, unit]) => `${formatUsd(u[field])} per ${unit}`);
  for (const [size, price] of Object.entries(u.image_prices ?? {})) parts.push(`${formatUsd(price)} per ${size} image`);
  return parts.join(', ');
}

/** "override" (with when it was set) or "configured": a price from appsettings.json and the environment. */
function source(model) {
  const overridden = model.source === 'override';
  return [el('span', { class: `badge source-${overridden ? 'override' : 'config'}` }, overridden ? 'override' : 'configured'),
    overridden && model.updated_at ? el('span', { class: 'muted small' }, ` ${formatTime(model.updated_at)}`) : null];
}

export class ModelsView {
  constructor() {
    this.items = [];
    this.status = new StatusLine($('models-status'), $('models-error'));
    this.dialog = closable($('model-dialog'));
    this.form = new ConsoleForm($('model-form'), (form) => this.#save(form));
    $('model-new').addEventListener('click', () => this.#openForm(null));
  }

  async open(fresh) {
    try {
      const answer = await getExactJson('/admin/models');
      this.items = Array.isArray(answer) ? answer : answer.data ?? answer.items ?? [];
      $('model-new').disabled = false;
      this.status.failed(null);
      this.#render(fresh);
    } catch (e) {
      this.items = [];
      this.#render();
      this.status.failed(`Could not list the models: ${e.message}`);
    }
  }

  reset() { this.status.clear(); }

  #render(fresh) {
    $('models-body').replaceChildren(...(this.items.length
      ? this.items.map((model) => this.#row(model, model.name === fresh))
      : [el('tr', { class: 'notice' }, el('td', { colspan: 10 }, 'No models to show.'))]));
    const overrides = this.items.filter((m) => m.source === 'override').length;
    $('models-total').textContent = this.items.length ? `· ${this.items.length} models, ${overrides} overridden` : '';
  }

  #row(model, fresh) {
    return el('tr', { 'data-name': model.name, class: fresh ? 'fresh' : null },
      el('td', { 'data-label': 'Model', class: 'name' }, model.name),
      el('td', { 'data-label': 'Cluster' }, shown(model.cluster)),
      ...RATIOS.map((field) => el('td', { 'data-label': RATIO_LABELS[field], class: `num ${field}` }, shown(model[field]))),
      el('td', { 'data-label': 'Price per call', class: 'num price' },
        model.price === null || model.price === undefined ? unitPrices(model) || '–' : formatUsd(model.price)),
      el('td', { 'data-label': 'Upstream model' }, shown(model.upstream_model)),
      el('td', { 'data-label': 'Source' }, source(model)),
      el('td', { 'data-label': 'Actions' }, el('div', { class: 'row-actions' },
        el('button', { type: 'button', 'aria-label': `Edit price of ${model.name}`, onclick: () => this.#openForm(model) }, 'Edit'),
        model.source === 'override'
          ? el('button', { type: 'button', class: 'danger', 'aria-label': `Delete override of ${model.name}`, onclick: () => this.#delete(model) }, 'Delete override')
          : null)));
  }

  #openForm(model) {
    const form = $('model-form');
    this.form.clear();
    form.reset();
    form.elements.name.readOnly = Boolean(model);
    $('model-dialog-title').textContent = model ? `Price of ${model.name}` : 'New price override';
    for (const field of ['name', 'cluster', ...RATIOS, 'price', 'upstream_model'])
      form.elements[field].value = model?.[field] ?? '';
    // An override has only the fields of this form: saving one over unit prices replaces them.
    const units = model ? unitPrices(model) : '';
    $('model-unit-warning').textContent = units ? `${model.name} is priced by the unit (${units}); an override replaces that with the prices here.` : '';
    $('model-unit-warning').hidden = !units;
    this.dialog.showModal();
  }

  /** Sends the fields given; one left empty is not sent, so the gateway's own default applies. */
  async #save(form) {
    const e = form.elements;
    const name = check.text(e.name, { required: true });
    const body = { cluster: check.text(e.cluster, { required: true }) };
    for (const field of RATIOS) {
      const ratio = check.decimal(e[field], { max: MAX_RATIO });
      if (ratio !== null) body[field] = jsonNumber(ratio);
    }
    const price = check.usd(e.price);
    if (price !== null) body.price = jsonNumber(price);
    const upstream = check.text(e.upstream_model);
    if (upstream) body.upstream_model = upstream;
    await request(path(name), { method: 'PUT', body });
    this.dialog.close();
    this.status.done(`Price of ${name} saved: it applies to the next request on every instance.`);
    await this.open(name);
  }

  async #delete(model) {
    const confirmed = await confirmAction({
      title: `Delete the override of ${model.name}?`,
      text: 'The price from the configuration applies again from the next request; a model that exists only as an override is gone.',
      action: 'Delete override',
    });
    if (!confirmed) return;
    try {
      await request(path(model.name), { method: 'DELETE' });
      this.status.done(`Override of ${model.name} deleted.`);
      await this.open(model.name);
    } catch (e) {
      this.status.failed(`Could not delete the override of ${model.name}: ${e.message}`);
    }
  }
}
