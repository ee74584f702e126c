// The table's columns (SPEC §6) and which of them the viewer shows, kept in localStorage.
import { el, formatCount, formatMs, formatTime, formatUnits, formatUsd, viewerZone } from './format.js';

const STORAGE_KEY = 'gateway.columns.hidden';

// System rows carry no usage: a dash reads better than a column of zeros.
const tokens = (row, n) => (row.type === 'system' ? '–' : formatCount(n));

// A row billed per image, second, character or search unit: its input is that quantity; tokens, when the
// upstream reported some, stay in the other columns.
const unitBilled = (row) => Boolean(row.details?.unit);
const input = (row) => (unitBilled(row) ? el('span', { class: 'units' }, formatUnits(row.details.unit, row.details.units)) : tokens(row, row.input_tokens));
const output = (row) => (unitBilled(row) && !row.output_tokens ? '–' : tokens(row, row.output_tokens));

const typeBadge = (type) => el('span', { class: `badge type-${type}` }, type);

function timing(row) {
  if (row.type === 'system') return '–';
  const firstToken = row.first_token_ms !== null && row.first_token_ms !== undefined;
  return el('div', { class: 'timing' },
    el('div', {}, formatMs(row.duration_ms), ' ',
      row.stream ? el('span', { class: 'badge stream' }, 'stream') : el('span', { class: 'badge plain' }, 'non-stream'),
      row.details?.completed === false ? el('span', { class: 'badge cut' }, 'cut short') : null),
    firstToken ? el('div', { class: 'muted small', title: 'Time to first token' }, `first token ${formatMs(row.first_token_ms)}`) : null);
}

function details(row) {
  if (row.type !== 'consume') return el('span', { class: 'message' }, row.message ?? '');
  const d = row.details ?? {};
  if (d.price !== null && d.price !== undefined) return `per call ${formatUsd(d.price)} · group ×${d.group_ratio ?? 1}`;
  if (d.unit) return `${formatUsd(d.unit_price)} per ${formatUnits(d.unit, 1).replace(/^1 /, '')} · group ×${d.group_ratio ?? 1}`;
  return `model ×${d.model_ratio ?? '–'} · completion ×${d.completion_ratio ?? '–'} · group ×${d.group_ratio ?? '–'}`;
}

/** id, header, cell(row), and whether it starts hidden or is only for the operator. */
export const COLUMNS = [
  { id: 'time', label: 'Time', note: `(${viewerZone})`, fixed: true,
    cell: (row) => el('time', { datetime: row.time, title: row.time }, formatTime(row.time)) },
  { id: 'account', label: 'Account', operatorOnly: true, cell: (row) => (row.account_id ? `#${row.account_id}` : '–') },
  { id: 'token', label: 'Token', cell: (row) => row.token_name || '–' },
  { id: 'group', label: 'Group', cell: (row) => row.group || '–' },
  { id: 'type', label: 'Type', cell: (row) => typeBadge(row.type) },
  { id: 'model', label: 'Model', cell: (row) => row.model || '–' },
  { id: 'timing', label: 'Time / first token', cell: timing },
  { id: 'input', label: 'Input', numeric: true, cell: input },
  { id: 'output', label: 'Output', numeric: true, cell: output },
  { id: 'cached', label: 'Cached', numeric: true, cell: (row) => tokens(row, row.cached_tokens) },
  { id: 'spend', label: 'Spend', numeric: true, cell: (row) => (row.type === 'system' ? '–' : formatUsd(row.spend)) },
  { id: 'ip', label: 'IP', cell: (row) => row.ip ?? '–' },
  { id: 'details', label: 'Details', cell: details },
  { id: 'status', label: 'Status', hiddenByDefault: true, numeric: true, cell: (row) => String(row.status ?? '–') },
  { id: 'path', label: 'Path', hiddenByDefault: true, cell: (row) => el('code', {}, row.path ?? '') },
];

function loadHidden() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY));
    if (Array.isArray(saved)) return new Set(saved);
  } catch { /* unreadable: use the defaults */ }
  return new Set(COLUMNS.filter((c) => c.hiddenByDefault).map((c) => c.id));
}

/** The visible columns for the viewer; renders the settings checkboxes and calls onChange when one flips. */
export function columnSettings(container, isOperator, onChange) {
  const hidden = loadHidden();
  const available = COLUMNS.filter((c) => isOperator || !c.operatorOnly);
  container.querySelectorAll('label').forEach((label) => label.remove());
  for (const column of available) {
    const box = el('input', { type: 'checkbox', id: `col-${column.id}`, checked: !hidden.has(column.id), disabled: column.fixed });
    box.addEventListener('change', () => {
      if (box.checked) hidden.delete(column.id); else hidden.add(column.id);
      localStorage.setItem(STORAGE_KEY, JSON.stringify([...hidden]));
      onChange();
    });
    container.append(el('label', { for: `col-${column.id}` }, box, ' ', column.label));
  }
  return () => available.filter((c) => !hidden.has(c.id));
}
