// The filters are the page's state and live in the URL, so a view can be bookmarked or shared.
// A quick range is kept as its name (range=7d) and resolved at query time; a custom range is
// kept as absolute RFC 3339 instants (start=…&end=…).
export const DEFAULT_RANGE = '7d';
export const DEFAULT_PAGE_SIZE = 50;
const TEXT_FIELDS = ['account_id', 'group', 'token_name', 'model', 'type'];
const HOUR = 3600_000;
const DAY = 24 * HOUR;

export const QUICK_RANGES = {
  '1h': () => new Date(Date.now() - HOUR),
  today: () => { const d = new Date(); d.setHours(0, 0, 0, 0); return d; },
  '7d': () => new Date(Date.now() - 7 * DAY),
  '30d': () => new Date(Date.now() - 30 * DAY),
};

export function defaults(pageSize = DEFAULT_PAGE_SIZE) {
  return { range: DEFAULT_RANGE, start: '', end: '', account_id: '', group: '', token_name: '', model: '', type: '', page: 1, page_size: pageSize };
}

export function fromUrl(search = location.search) {
  const q = new URLSearchParams(search);
  const state = defaults(Number(q.get('page_size')) || DEFAULT_PAGE_SIZE);
  for (const name of TEXT_FIELDS) state[name] = q.get(name) ?? '';
  state.page = Math.max(1, Number(q.get('page')) || 1);
  if (q.has('start') || q.has('end')) {
    state.range = '';
    state.start = q.get('start') ?? '';
    state.end = q.get('end') ?? '';
  } else if (q.get('range') in QUICK_RANGES) {
    state.range = q.get('range');
  }
  return state;
}

export function toUrl(state) {
  const q = new URLSearchParams();
  if (state.range) q.set('range', state.range);
  else {
    if (state.start) q.set('start', state.start);
    if (state.end) q.set('end', state.end);
  }
  for (const name of TEXT_FIELDS) if (state[name]) q.set(name, state[name]);
  if (state.page > 1) q.set('page', state.page);
  if (state.page_size !== DEFAULT_PAGE_SIZE) q.set('page_size', state.page_size);
  const text = q.toString();
  return text ? `?${text}` : location.pathname;
}

/** The instants the range stands for now; end is open (undefined) for quick ranges. */
export function resolveRange(state) {
  if (state.range) return { start: QUICK_RANGES[state.range]().toISOString(), end: undefined };
  return { start: state.start || undefined, end: state.end || undefined };
}

/** Query parameters for /logs, /logs/stats and /logs/export (without paging). */
export function toApiParams(state) {
  const { start, end } = resolveRange(state);
  const params = { start, end };
  for (const name of TEXT_FIELDS) if (state[name]) params[name] = state[name];
  return params;
}

/** Hourly buckets up to two days, daily ones beyond. */
export function bucketFor(state) {
  const { start, end } = resolveRange(state);
  if (!start) return 'day';
  const span = (end ? Date.parse(end) : Date.now()) - Date.parse(start);
  return span <= 2 * DAY ? 'hour' : 'day';
}

/** datetime-local works in the viewer's zone, without one in the text. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fromLocalInput(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
