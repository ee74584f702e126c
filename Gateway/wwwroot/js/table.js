// The log table: one row per log entry, a breakdown row under each expanded one, and the loading,
// empty and error states in place of rows.
import { breakdown } from './breakdown.js';
import { el } from './format.js';

export class LogTable {
  constructor(head, body) {
    this.head = head;
    this.body = body;
    this.rows = [];
    this.expanded = new Set();
  }

  loading(columns) {
    this.#header(columns);
    this.body.closest('table').setAttribute('aria-busy', 'true');
    this.body.replaceChildren(this.#notice(columns, 'Loading…', 'loading'));
  }

  failed(columns, message) {
    this.#header(columns);
    this.body.closest('table').removeAttribute('aria-busy');
    this.body.replaceChildren(this.#notice(columns, `Could not load the rows: ${message}`, 'failed'));
  }

  show(columns, rows = this.rows) {
    this.rows = rows;
    this.#header(columns);
    this.body.closest('table').removeAttribute('aria-busy');
    if (rows.length === 0) {
      this.body.replaceChildren(this.#notice(columns, 'No log rows match these filters. Widen the time range or press Reset.', 'empty'));
      return;
    }
    this.body.replaceChildren(...rows.flatMap((row) => this.#row(columns, row)));
  }

  #header(columns) {
    this.head.replaceChildren(el('th', { scope: 'col', class: 'expander-col' }, el('span', { class: 'sr-only' }, 'Expand')),
      ...columns.map((c) => el('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label,
        c.note ? [' ', el('small', { class: 'muted zone' }, c.note)] : null)));
  }

  #notice(columns, text, kind) {
    return el('tr', { class: `notice ${kind}` }, el('td', { colspan: columns.length + 1 }, text));
  }

  #row(columns, row) {
    const open = this.expanded.has(row.id);
    const toggle = el('button', {
      type: 'button', class: 'expander', 'aria-expanded': String(open), 'aria-controls': `detail-${row.id}`,
      'aria-label': `Breakdown of row ${row.id}`,
    }, open ? '▾' : '▸');
    const line = el('tr', { class: `log type-${row.type}${open ? ' open' : ''}`, 'data-id': row.id },
      el('td', { class: 'expander-col' }, toggle),
      ...columns.map((c) => el('td', { class: `col-${c.id}${c.numeric ? ' num' : ''}` }, c.cell(row))));
    const flip = () => {
      if (this.expanded.has(row.id)) this.expanded.delete(row.id); else this.expanded.add(row.id);
      const focusAfter = document.activeElement === toggle;
      this.show(columns);
      if (focusAfter) this.body.querySelector(`tr[data-id="${row.id}"] .expander`)?.focus();
    };
    toggle.addEventListener('click', (event) => { event.stopPropagation(); flip(); });
    line.addEventListener('click', (event) => {
      // Selecting text in a cell should not fold the row.
      if (!getSelection().isCollapsed || event.target.closest('a, button, input')) return;
      flip();
    });
    if (!open) return [line];
    const detail = el('tr', { class: 'detail', id: `detail-${row.id}` },
      el('td', { colspan: columns.length + 1 }, breakdown(row)));
    return [line, detail];
  }
}
