// The expanded view of one row: the ratios, the prices per 1M tokens, SPEC §5's formula with this
// row's numbers in it and the final spend; then where the request went and how it was measured.
import { Dec } from './decimal.js';
import { el, formatUnits, formatUsd } from './format.js';

const MILLION = '1 000 000';

/** The formula lines for a row, and the spend they come to (rounded like the gateway: 1e-9, half away from zero). */
export function formulaFor(row) {
  const d = row.details ?? {};
  if (d.price !== null && d.price !== undefined) {
    const price = Dec.of(d.price), group = Dec.of(d.group_ratio ?? 1);
    const spend = price.mul(group).round(9);
    return { spend, lines: ['spend = price × group_ratio', `      = ${price} × ${group}`, `      = ${formatUsd(spend)}`] };
  }
  if (d.unit) {
    const units = Dec.of(d.units ?? 0), price = Dec.of(d.unit_price ?? 0), group = Dec.of(d.group_ratio ?? 1);
    const spend = units.mul(price).mul(group).round(9);
    return {
      spend,
      lines: [`spend = ${d.unit}s × price per ${d.unit} × group_ratio`, `      = ${units} × ${price} × ${group}`, `      = ${formatUsd(spend)}`],
    };
  }
  const n = (name) => Dec.of(row[name] ?? 0);
  const r = (name, fallback) => Dec.of(d[name] ?? fallback);
  const [input, output, cached, written] = [n('input_tokens'), n('output_tokens'), n('cached_tokens'), n('cache_write_tokens')];
  const [model, completion, cache, cacheWrite, group] =
    [r('model_ratio', 1), r('completion_ratio', 1), r('cache_ratio', 1), r('cache_write_ratio', 1.25), r('group_ratio', 1)];
  const weighted = input.sub(cached).sub(written).add(cached.mul(cache)).add(written.mul(cacheWrite)).add(output.mul(completion));
  const spend = weighted.mul(model).mul(group).mul(Dec.of(2)).shift(6).round(9);
  return {
    spend,
    lines: [
      'spend = ((input − cached − cache_write)',
      '         + cached × cache_ratio + cache_write × cache_write_ratio',
      '         + output × completion_ratio)',
      '        × model_ratio × group_ratio × 2 / 1 000 000',
      `      = ((${input} − ${cached} − ${written}) + ${cached} × ${cache} + ${written} × ${cacheWrite} + ${output} × ${completion})`,
      `        × ${model} × ${group} × 2 / ${MILLION}`,
      `      = ${weighted} × ${model} × ${group} × 2 / ${MILLION}`,
      `      = ${formatUsd(spend)}`,
    ],
  };
}

function item(label, value, attributes = {}) {
  return [el('dt', {}, label), el('dd', attributes, value ?? '–')];
}

function copyButton(text) {
  const button = el('button', { type: 'button', class: 'copy', 'aria-label': 'Copy request id' }, 'Copy');
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      // No clipboard permission (plain http, headless): select the text so Ctrl+C takes it.
      const code = button.previousElementSibling;
      getSelection().selectAllChildren(code);
      button.textContent = 'Selected — press Ctrl+C';
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 2000);
  });
  return button;
}

function pricing(row) {
  const d = row.details;
  if (!d) return [];
  const ratio = (value) => (value === null || value === undefined ? '–' : Dec.of(value).toString());
  const price = (value) => (value === null || value === undefined ? '–' : formatUsd(value));
  const perCall = d.price !== null && d.price !== undefined;
  const perUnit = Boolean(d.unit);
  const { spend, lines } = formulaFor(row);
  const charged = Dec.of(row.spend ?? 0);
  const billed = row.type === 'consume';
  return [
    el('section', { class: 'ratios', 'aria-label': 'Ratios and prices' },
      el('h3', {}, perCall ? 'Per-call price' : perUnit ? 'Unit price' : 'Ratios'),
      el('dl', {},
        perCall ? item('Price per call', price(d.price)) : perUnit ? [
          item(`Price per ${d.unit.replace('_', ' ')}`, price(d.unit_price)),
          item('Billed', formatUnits(d.unit, d.units)),
        ] : [
          item('Model ratio', ratio(d.model_ratio)),
          item('Completion ratio', ratio(d.completion_ratio)),
          item('Cache ratio', ratio(d.cache_ratio)),
          item('Cache write ratio', ratio(d.cache_write_ratio)),
        ],
        item('Group ratio', ratio(d.group_ratio)),
        perCall || perUnit ? [] : [
          item('Input price / 1M tokens', price(d.input_price_per_1m)),
          item('Output price / 1M tokens', price(d.output_price_per_1m)),
        ])),
    el('section', { class: 'billing', 'aria-label': 'Billing process' },
      el('h3', {}, 'Billing process'),
      el('pre', { class: 'formula' }, lines.join('\n')),
      el('p', { class: 'final' }, 'Final spend: ', el('strong', { class: 'final-spend' }, formatUsd(charged)),
        billed && !spend.equals(charged) ? el('span', { class: 'warn' }, ` (the formula gives ${formatUsd(spend)})`) : null,
        billed ? null : el('span', { class: 'muted' }, ' — not billed: the request failed'))),
  ];
}

export function breakdown(row) {
  const d = row.details ?? {};
  const facts = el('section', { class: 'facts', 'aria-label': 'Request' },
    el('h3', {}, row.type === 'system' ? 'System event' : 'Request'),
    el('dl', {},
      row.message ? item(row.type === 'system' ? 'Event' : 'Message', row.message, { class: 'message' }) : [],
      item('Request path', el('code', {}, row.path || '–')),
      item('Status', String(row.status ?? '–')),
      row.type === 'system' ? [] : [
        item('Usage source', d.usage_source ?? '–'),
        item('Stream', row.stream ? (d.completed === false ? 'cut short — billed for what was delivered' : 'completed') : 'not streamed'),
        d.completed === false && !row.stream ? item('Completed', 'no') : [],
        d.upstream_model ? item('Upstream model', d.upstream_model) : [],
        item('Cache write tokens', String(row.cache_write_tokens ?? 0)),
      ],
      item('Request id', [el('code', { class: 'request-id' }, row.request_id), ' ', copyButton(row.request_id)]),
      row.account_id ? item('Account', `#${row.account_id}`) : []));
  return el('div', { class: 'breakdown' }, row.type === 'system' ? [] : pricing(row), facts);
}
