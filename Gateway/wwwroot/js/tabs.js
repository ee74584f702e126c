// The page's views as ARIA tabs. Which are offered depends on who signed in (a tab with data-for shows for
// that role only); the selected one is kept in the URL's hash; arrow keys move between the offered ones.
const nameOf = (tab) => tab.id.slice('tab-'.length);

export class Tabs {
  /** onOpen(name) runs each time a view is selected, so it can load what it shows. */
  constructor(list, onOpen) {
    this.tabs = [...list.querySelectorAll('[role="tab"]')];
    this.onOpen = onOpen;
    for (const tab of this.tabs) {
      tab.addEventListener('click', () => this.select(nameOf(tab)));
      tab.addEventListener('keydown', (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const offered = this.offered;
        this.select(offered[(offered.indexOf(nameOf(tab)) + step + offered.length) % offered.length], true);
      });
    }
  }

  get offered() { return this.tabs.filter((tab) => !tab.hidden).map(nameOf); }

  /** Shows the tabs meant for this role ('operator' or 'holder') and hides the rest. */
  offer(role) {
    for (const tab of this.tabs) tab.hidden = Boolean(tab.dataset.for) && tab.dataset.for !== role;
  }

  /** Selects a view by name; one not offered to this role falls back to the usage logs. */
  select(name, focus = false) {
    if (!this.offered.includes(name)) name = 'logs';
    for (const tab of this.tabs) {
      const selected = nameOf(tab) === name;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !selected;
    }
    if (focus) document.getElementById(`tab-${name}`).focus();
    history.replaceState(null, '', location.pathname + location.search + (name === 'logs' ? '' : `#${name}`));
    this.onOpen(name);
  }
}
