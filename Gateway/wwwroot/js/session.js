// The signed-in key lives in sessionStorage only: it is gone when the tab closes and never touches
// localStorage, cookies or the URL.
const KEY = 'gateway.key';
const ROLE = 'gateway.role';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  /** 'operator' (admin key) or 'holder' (API key). */
  get role() { return sessionStorage.getItem(ROLE); },
  get isOperator() { return this.role === 'operator'; },
  save(key, role) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ROLE, role);
  },
  clear() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ROLE);
  },
};
