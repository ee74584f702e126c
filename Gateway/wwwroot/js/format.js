// How values read on the page: times in the viewer's zone, USD exact, counts grouped.
import { Dec } from './decimal.js';

export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const clock = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
const timeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', ...clock });
const timeFormatWithYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', ...clock });
const countFormat = new Intl.NumberFormat();
const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** In the viewer's zone; the year only when it is not this year (the cell's title has the exact UTC time). */
export function formatTime(iso) {
  const at = new Date(iso);
  return (at.getFullYear() === new Date().getFullYear() ? timeFormat : timeFormatWithYear).format(at);
}

export const formatCount = (n) => (n === null || n === undefined ? '–' : countFormat.format(n));

export const formatRate = (n) => (n === null || n === undefined ? '–' : rateFormat.format(n));

/** USD with every digit the gateway stored (up to 1e-9), no float noise. */
export function formatUsd(value) {
  if (value === null || value === undefined) return '–';
  const text = Dec.of(value).round(9).toString();
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const grouped = countFormat.format(BigInt(whole));
  const sign = text.startsWith('-') ? '−' : '';
  return `${sign}$${grouped}${fraction.length ? '.' + fraction.padEnd(2, '0') : '.00'}`;
}

// What a unit-priced row billed, the way a reader says it: "2 images", "14.2 s audio", "57 characters".
const UNIT_LABELS = {
  image: ['image', 'images'],
  character: ['character', 'characters'],
  search_unit: ['search unit', 'search units'],
};

export function formatUnits(unit, units) {
  if (units === null || units === undefined) return '–';
  const n = Number(units);
  if (unit === 'second') return `${rateFormat.format(n)} s audio`;
  const [one, many] = UNIT_LABELS[unit] ?? [unit, unit];
  return `${countFormat.format(n)} ${n === 1 ? one : many}`;
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Builds an element: el('span', {class: 'badge'}, 'text', child…). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity))
    if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  return node;
}
