// Sign-in: a key is checked against the gateway before it is kept. /logs tells whether the key is
// known at all; /admin/keys answers 200 to the operator's admin key only.
import { ApiError, request } from './api.js';
import { session } from './session.js';

export async function detectRole(key) {
  try {
    await request('/logs?page_size=1', { key });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401)
      throw new ApiError(401, 'That key was not accepted: it is unknown, revoked or mistyped.');
    throw e;
  }
  try {
    await request('/admin/keys', { key });
    return 'operator';
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return 'holder';
    throw e;
  }
}

/** Wires the sign-in form; calls onSignedIn() once a key has been accepted. */
export function setUpSignIn(onSignedIn) {
  const form = document.getElementById('sign-in-form');
  const input = document.getElementById('key-input');
  const error = document.getElementById('sign-in-error');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    error.hidden = true;
    form.querySelector('button').disabled = true;
    try {
      session.save(key, await detectRole(key));
      input.value = '';
      onSignedIn();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      input.select();
    } finally {
      form.querySelector('button').disabled = false;
    }
  });
}

export function showSignIn() {
  document.getElementById('app').hidden = true;
  document.getElementById('who').hidden = true;
  document.getElementById('sign-in').hidden = false;
  document.getElementById('key-input').focus();
}
