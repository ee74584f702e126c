// Playground: a chat through POST /pg/chat/completions with the signed-in key, streamed (OpenAI chat
// SSE) and shown as it arrives. The gateway meters it like /v1/chat/completions.
import { getJson, request } from './api.js';
import { el, formatUsd } from './format.js';
import { session } from './session.js';

const PATH = '/pg/chat/completions';

/** Yields the data payloads of an SSE body as they arrive. */
async function* sseData(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const events = buffer.split(/\r?\n\r?\n/);
    buffer = events.pop();
    for (const event of events) {
      const data = event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (data) yield data;
    }
  }
}

export class Playground {
  constructor(onLogged) {
    this.onLogged = onLogged;
    this.messages = [];
    this.form = document.getElementById('pg-form');
    this.model = document.getElementById('pg-model');
    this.input = document.getElementById('pg-message');
    this.transcript = document.getElementById('pg-transcript');
    this.error = document.getElementById('pg-error');
    this.note = document.getElementById('pg-note');
    this.form.addEventListener('submit', (event) => { event.preventDefault(); this.send(); });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); this.send(); }
    });
    document.getElementById('pg-clear').addEventListener('click', () => {
      this.messages = [];
      this.transcript.replaceChildren();
      this.input.focus();
    });
  }

  /** Fills the model list from GET /v1/models; the admin key is not a client key, so it cannot chat. */
  async open() {
    const operator = session.isOperator;
    this.note.hidden = !operator;
    this.note.textContent = operator
      ? 'The playground calls the gateway as a client and needs an API key: sign in with an API key to use it.' : '';
    for (const control of this.form.elements) control.disabled = operator;
    if (operator || this.model.options.length) return;
    try {
      const models = (await getJson('/v1/models')).data ?? [];
      this.model.replaceChildren(...models.map((m) => el('option', { value: m.id }, m.id)));
    } catch (e) {
      this.#fail(`Could not list the models: ${e.message}`);
    }
  }

  async send() {
    const text = this.input.value.trim();
    if (!text || this.busy) return;
    this.busy = true;
    this.error.hidden = true;
    document.getElementById('pg-send').disabled = true;
    this.messages.push({ role: 'user', content: text });
    this.transcript.append(el('li', { class: 'user' }, el('span', { class: 'who' }, 'You'), el('p', {}, text)));
    const reply = el('p', { class: 'reply', 'aria-busy': 'true' });
    const meta = el('p', { class: 'meta muted' });
    this.transcript.append(el('li', { class: 'assistant' }, el('span', { class: 'who' }, this.model.value), reply, meta));
    this.input.value = '';
    let answer = '';
    try {
      const response = await request(PATH, { method: 'POST', body: { model: this.model.value, messages: this.messages, stream: true } });
      for await (const data of sseData(response.body)) {
        if (data === '[DONE]') break;
        const chunk = JSON.parse(data);
        const delta = chunk.choices?.[0]?.delta?.content ?? '';
        answer += delta;
        reply.textContent = answer;
      }
      this.messages.push({ role: 'assistant', content: answer });
      const requestId = response.headers.get('x-request-id');
      meta.textContent = `request id ${requestId ?? '–'} · being logged under ${PATH}…`;
      this.#whenLogged(requestId, meta);
    } catch (e) {
      this.messages.pop();
      this.#fail(e.message);
      meta.textContent = 'failed';
      this.onLogged();   // a refused request that presented a valid key is still a row
    } finally {
      reply.removeAttribute('aria-busy');
      this.busy = false;
      document.getElementById('pg-send').disabled = false;
      this.input.focus();
    }
  }

  /** The gateway writes rows in batches: look for this request's row, then let the logs refresh. */
  async #whenLogged(requestId, meta) {
    for (let attempt = 0; attempt < 20 && requestId; attempt++) {
      try {
        const rows = (await getJson('/logs', { page_size: 20 })).items ?? [];
        const row = rows.find((r) => r.request_id === requestId);
        if (row) {
          meta.textContent = `request id ${requestId} · logged under ${row.path}, spend ${formatUsd(row.spend)}`;
          break;
        }
      } catch { /* the logs tab shows query errors; keep waiting */ }
      await new Promise((resolve) => setTimeout(resolve, 250 + attempt * 100));
    }
    this.onLogged();
  }

  #fail(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }
}
