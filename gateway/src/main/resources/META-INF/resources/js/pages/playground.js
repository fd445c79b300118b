// Chat with a model the generation-service serves (its production version, its candidate or any version), streamed,
// with the same request shown as curl and as an OpenAI-client snippet.
import { api, events, session } from '../api.js';
import { failure, h } from '../ui.js';

function settingsOf(form) {
  const value = (name) => form.elements[name].value.trim();
  const settings = {};
  if (value('temperature') !== '') settings.temperature = Number(value('temperature'));
  if (value('top_p') !== '') settings.top_p = Number(value('top_p'));
  if (value('max_tokens') !== '') settings.max_tokens = Number(value('max_tokens'));
  if (value('seed') !== '') settings.seed = Number(value('seed'));
  return settings;
}

function curl(body) {
  return [
    `curl -N ${location.origin}/v1/chat/completions \\`,
    '  -H "Authorization: Bearer $TUNESTREAM_KEY" \\',
    "  -H 'content-type: application/json' \\",
    `  -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`,
  ].join('\n');
}

function python(body) {
  const { model, messages, stream, ...sampling } = body;
  const args = Object.entries(sampling).map(([key, value]) => `    ${key}=${JSON.stringify(value)},`);
  return [
    'import os',
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url="${location.origin}/v1", api_key=os.environ["TUNESTREAM_KEY"])`,
    'stream = client.chat.completions.create(',
    `    model=${JSON.stringify(model)},`,
    `    messages=${JSON.stringify(messages)},`,
    ...args,
    '    stream=True,',
    ')',
    'for chunk in stream:',
    '    print(chunk.choices[0].delta.content or "", end="", flush=True)',
  ].join('\n');
}

/** A served name's place in the list: the model (its production version), its candidate, then versions newest first. */
function order(a, b) {
  const [, baseA, versionA] = a.id.match(/^(.*?)(?::v(\d+))?$/);
  const [, baseB, versionB] = b.id.match(/^(.*?)(?::v(\d+))?$/);
  const rank = (id, version) => (version ? 2 : id.includes('@') ? 1 : 0);
  return (
    (a.parent || a.id).localeCompare(b.parent || b.id) ||
    rank(a.id, versionA) - rank(b.id, versionB) ||
    Number(versionB || 0) - Number(versionA || 0) ||
    baseA.localeCompare(baseB)
  );
}

/** The names the generation-service serves: MODEL (production), MODEL@candidate and each MODEL:vN. */
function modelSelect(served) {
  const label = (m) => (m.parent ? (m.root && m.root !== m.id ? `${m.id} (${m.root})` : m.id) : `${m.id} (production${m.root ? `, ${m.root}` : ''})`);
  return h('select', { name: 'model', id: 'chat-model' }, [...served].sort(order).map((m) => h('option', { value: m.id }, label(m))));
}

export async function render(main) {
  const models = await api('/v1/models');
  const history = [];
  const log = h('div', { class: 'chat-log', id: 'chat-log', 'aria-live': 'polite' });
  const input = h('textarea', { id: 'chat-input', rows: 3, placeholder: 'Ask something…', required: true });
  const status = h('p', { class: 'muted small', id: 'chat-status' });
  const curlBox = h('pre', { id: 'snippet-curl', class: 'snippet' });
  const pythonBox = h('pre', { id: 'snippet-python', class: 'snippet' });
  const number = (name, label, attributes) => h('label', {}, label, h('input', { name, type: 'number', ...attributes }));
  const settings = h(
    'fieldset',
    { class: 'settings' },
    h('legend', {}, 'Sampling'),
    h('label', {}, 'Model', modelSelect(models.data || [])),
    number('temperature', 'Temperature', { min: 0, max: 2, step: 0.1, value: 0.8 }),
    number('top_p', 'Top p', { min: 0, max: 1, step: 0.05, value: 0.95 }),
    number('max_tokens', 'Max tokens', { min: 1, max: 4096, step: 1, value: 64 }),
    number('seed', 'Seed', { min: 0, step: 1, placeholder: 'random' }),
  );
  const send = h('button', { type: 'submit', id: 'chat-send' }, 'Send');
  const form = h('form', { class: 'chat-form' }, settings, h('label', { for: 'chat-input' }, 'Message'), input, send, status);

  const requestBody = (messages) => ({ model: form.elements.model.value, messages, ...settingsOf(form), stream: true });
  const showSnippets = () => {
    const messages = [...history, { role: 'user', content: input.value || 'Hello' }];
    const body = requestBody(messages);
    curlBox.textContent = curl(body);
    pythonBox.textContent = python(body);
  };
  form.addEventListener('input', showSnippets);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      return;
    }
    history.push({ role: 'user', content: text });
    log.append(h('div', { class: 'message user' }, text));
    const answer = h('div', { class: 'message assistant', 'data-chunks': 0 });
    log.append(answer);
    input.value = '';
    send.disabled = true;
    status.textContent = 'Streaming…';
    let content = '';
    let chunks = 0;
    let fingerprint = '';
    const started = performance.now();
    let first = null;
    try {
      for await (const data of events('/v1/chat/completions', { method: 'POST', body: requestBody(history) })) {
        if (data === '[DONE]') {
          break;
        }
        const chunk = JSON.parse(data);
        fingerprint = chunk.system_fingerprint || fingerprint;
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) {
          first ??= performance.now();
          chunks += 1;
          content += delta;
          answer.textContent = content;
          answer.dataset.chunks = chunks;
          log.scrollTop = log.scrollHeight;
        }
      }
      history.push({ role: 'assistant', content });
      status.textContent = `${chunks} chunks · first after ${Math.round((first ?? performance.now()) - started)} ms · ${fingerprint || 'served'}`;
    } catch (error) {
      answer.replaceWith(failure(error));
      history.pop();
      status.textContent = `Failed: ${error.message}`;
    } finally {
      send.disabled = false;
      showSnippets();
    }
  });

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, 'Playground'), h('p', { class: 'muted small' }, 'A model name is answered by its production version; MODEL@candidate and MODEL:vN name a version. The answer names the version that answered (system fingerprint).')),
    h(
      'div',
      { class: 'playground' },
      h('section', { class: 'card' }, h('h2', {}, 'Chat'), log, form),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'The same request'),
        h('p', { class: 'muted small' }, 'With your key in TUNESTREAM_KEY (it is not written here).'),
        h('h3', {}, 'curl'),
        curlBox,
        h('h3', {}, 'OpenAI client (Python)'),
        pythonBox,
      ),
    ),
  );
  showSnippets();
  if (!session.can('read')) {
    status.textContent = 'This key may chat only.';
  }
}
