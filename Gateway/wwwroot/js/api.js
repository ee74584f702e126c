// Every call to the gateway goes through here: the signed-in key as a bearer token, errors as values
// the page can show (the gateway answers errors as {"error":{"message",…}}).
import { Dec } from './decimal.js';
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, message, param) {
    super(message);
    this.status = status;
    this.param = param;
  }
}

/**
 * A JSON number written from its decimal text, digit for digit: money typed into a form must not pass
 * through a double on its way to the gateway's decimal (JSON.rawJSON; a plain number where it is missing).
 */
export const jsonNumber = (text) => (text === null || text === undefined ? null : JSON.rawJSON?.(text) ?? Number(text));

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

/**
 * Parses a JSON answer keeping every digit of a number a double would round (a balance of
 * 123456789.123456789 USD): such a number comes back as its decimal text, which the page's money
 * formatting reads exactly. Other numbers stay numbers.
 */
export async function exactJson(response) {
  return JSON.parse(await response.text(), (name, value, context) =>
    (typeof value === 'number' && context?.source && !Dec.of(context.source).equals(Dec.of(value)) ? context.source : value));
}

export async function getExactJson(path, params, options) {
  return exactJson(await request(withQuery(path, params), options));
}

/** POST, PUT or PATCH a JSON body; the answer parsed exactly. */
export async function sendJson(path, method, body) {
  return exactJson(await request(path, { method, body }));
}
