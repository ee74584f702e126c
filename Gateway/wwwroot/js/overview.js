// Overview cards (GET /logs/stats) and the chart of spend and requests over the range, split by model
// (GET /logs/stats?group_by=model, then ?group_by=hour|day per model).
import { getJson } from './api.js';
import { formatCount, formatRate, formatUsd } from './format.js';

const TOP_MODELS = 6;
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#dc2626', '#64748b'];

const setText = (id, text) => { document.getElementById(id).textContent = text; };

export async function loadStats(params, signal) {
  for (const id of ['stat-spend', 'stat-requests', 'stat-rpm', 'stat-tpm', 'stat-tokens']) setText(id, '…');
  try {
    const s = await getJson('/logs/stats', params, { signal });
    setText('stat-spend', formatUsd(s.spend));
    setText('stat-requests', formatCount(s.requests));
    setText('stat-rpm', formatRate(s.rpm));
    setText('stat-tpm', formatRate(s.tpm));
    setText('stat-tokens', `${formatCount(s.input_tokens)} / ${formatCount(s.output_tokens)}`);
    return null;
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    for (const id of ['stat-spend', 'stat-requests', 'stat-rpm', 'stat-tpm', 'stat-tokens']) setText(id, '–');
    return `Overview unavailable: ${e.message}`;
  }
}

/** Lines of a grouped answer, whether bare or wrapped in {items}. */
const linesOf = (answer) => (Array.isArray(answer) ? answer : answer?.items ?? answer?.groups ?? []);

/** The group key of a line: named after the grouping, or a generic key field. */
function keyOf(line, groupBy) {
  for (const name of [groupBy, 'key', 'group', 'bucket', 'time', 'start'])
    if (line[name] !== undefined && line[name] !== null) return line[name];
  return '';
}

function bucketTime(key) {
  if (typeof key === 'number') return key < 1e12 ? key * 1000 : key;
  return Date.parse(key);
}

/** Hours read as 14:00, with the date at the first one and at each local midnight; days are the gateway's UTC days. */
function bucketLabel(ms, bucket, first) {
  const d = new Date(ms);
  if (bucket !== 'hour') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const hour = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return first || d.getHours() === 0 ? `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${hour}` : hour;
}

/** Every bucket start of the range (UTC hours or days, as the gateway groups), so quiet hours show as gaps. */
function emptyBuckets(params, bucket) {
  if (!params.start) return [];
  const step = bucket === 'hour' ? 3600_000 : 86_400_000;
  const first = Math.floor(Date.parse(params.start) / step) * step;
  const last = params.end ? Date.parse(params.end) - 1 : Date.now();
  const starts = [];
  for (let at = first; at <= last && starts.length < 400; at += step) starts.push(at);
  return starts;
}

async function series(params, bucket, signal) {
  const models = linesOf(await getJson('/logs/stats', { ...params, group_by: 'model' }, { signal }))
    .map((line) => ({ model: String(keyOf(line, 'model')), spend: Number(line.spend) || 0, requests: Number(line.requests) || 0 }))
    .sort((a, b) => b.spend - a.spend || b.requests - a.requests);
  const top = models.slice(0, TOP_MODELS);
  const [total, ...perModel] = await Promise.all([
    getJson('/logs/stats', { ...params, group_by: bucket }, { signal }),
    ...top.map((m) => getJson('/logs/stats', { ...params, model: m.model, group_by: bucket }, { signal })),
  ]);
  const times = new Map();
  const add = (line, field, target) => {
    const at = bucketTime(keyOf(line, bucket));
    if (Number.isNaN(at)) return;
    if (!times.has(at)) times.set(at, { total: { spend: 0, requests: 0 }, models: {} });
    const slot = times.get(at);
    if (target === 'total') slot.total[field] = Number(line[field]) || 0;
    else slot.models[target] = (slot.models[target] ?? 0) + (Number(line[field]) || 0);
  };
  for (const line of linesOf(total)) { add(line, 'spend', 'total'); add(line, 'requests', 'total'); }
  perModel.forEach((answer, i) => linesOf(answer).forEach((line) => add(line, 'spend', top[i].model)));
  for (const at of emptyBuckets(params, bucket)) if (!times.has(at)) times.set(at, { total: { spend: 0, requests: 0 }, models: {} });
  const order = [...times.keys()].sort((a, b) => a - b);
  const names = top.map((m) => m.model);
  if (models.length > TOP_MODELS) names.push('other');
  for (const slot of times.values()) {
    const known = top.reduce((sum, m) => sum + (slot.models[m.model] ?? 0), 0);
    if (models.length > TOP_MODELS) slot.models.other = Math.max(0, slot.total.spend - known);
  }
  return {
    labels: order.map((ms, i) => bucketLabel(ms, bucket, i === 0)),
    requests: order.map((ms) => times.get(ms).total.requests),
    spend: names.map((name) => ({ name, values: order.map((ms) => times.get(ms).models[name] ?? 0) })),
  };
}

export class UsageChart {
  constructor(canvas, note) {
    this.canvas = canvas;
    this.note = note;
    this.chart = null;
  }

  async load(params, bucket, signal) {
    if (!window.Chart) return this.#unavailable('the chart library did not load.');
    let data;
    try {
      data = await series(params, bucket, signal);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      return this.#unavailable(`the gateway did not answer /logs/stats?group_by (${e.message}).`);
    }
    this.note.hidden = data.labels.length > 0;
    this.note.textContent = data.labels.length ? '' : 'No traffic in this range.';
    this.canvas.parentElement.hidden = false;
    this.#draw(data, bucket);
  }

  #unavailable(why) {
    this.chart?.destroy();
    this.chart = null;
    this.canvas.parentElement.hidden = true;
    this.note.hidden = false;
    this.note.textContent = `Chart unavailable: ${why}`;
  }

  #draw(data, bucket) {
    const datasets = [
      ...data.spend.map((s, i) => ({
        type: 'bar', label: s.name, data: s.values, yAxisID: 'spend', stack: 'spend',
        backgroundColor: COLORS[i % COLORS.length], order: 2,
      })),
      { type: 'line', label: 'Requests', data: data.requests, yAxisID: 'requests', borderColor: '#111827',
        backgroundColor: '#111827', tension: 0, pointRadius: 2, order: 1 },
    ];
    this.chart?.destroy();
    this.chart = new window.Chart(this.canvas, {
      data: { labels: data.labels, datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true, title: { display: true, text: bucket === 'hour' ? 'Hour (your time)' : 'Day (UTC)' } },
          spend: { stacked: true, position: 'left', beginAtZero: true, title: { display: true, text: 'Spend (USD)' },
            ticks: { callback: (value) => formatUsd(value) } },
          requests: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'Requests' },
            ticks: { precision: 0 } },
        },
        plugins: {
          tooltip: { callbacks: { label: (c) => (c.dataset.yAxisID === 'spend' ? `${c.dataset.label}: ${formatUsd(c.parsed.y)}` : `Requests: ${c.parsed.y}`) } },
        },
      },
    });
  }
}
