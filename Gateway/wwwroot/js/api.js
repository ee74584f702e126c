// Every call to the gateway goes through here: the signed-in key as a bearer token, errors as values
// the page can show (the gateway answers errors as {"error":{"message",…}}).
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, message, param) {
    super(message);
    this.status = status;
    this.param = param;
  }
}

/** Builds "path?a=1&b=2", skipping empty values. */
export function withQuery(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export async function request(path, { method = 'GET', body, key = session.key, signal } = {}) {
  const headers = { Authorization: `Bearer ${key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `The gateway could not be reached (${e.message}).`);
  }
  if (!response.ok) throw await toError(response);
  return response;
}

export async function getJson(path, params, options) {
  return (await request(withQuery(path, params), options)).json();
}

export async function toError(response) {
  let message = `${response.status} ${response.statusText}`.trim();
  let param;
  try {
    const body = await response.json();
    const error = body.error ?? body;
    if (typeof error.message === 'string') message = `${error.message} (${response.status})`;
    param = error.param ?? undefined;
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(response.status, message, param);
}
