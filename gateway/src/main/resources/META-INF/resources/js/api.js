// The gateway's API with the key the user signed in with. The key lives in sessionStorage only: it is gone when the
// tab closes, and the pages themselves hold no data.
const KEY = 'tunestream.key';
const SELF = 'tunestream.self';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  self: () => JSON.parse(sessionStorage.getItem(SELF) || 'null'),
  can: (scope) => (session.self()?.scopes || []).includes(scope),
  save(key, self) {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(SELF, JSON.stringify(self));
  },
  clear() {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SELF);
  },
};

/** A refused request: the status and the RFC 9457 problem (or OpenAI error) the gateway answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.error?.message || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function request(path, { method = 'GET', body, headers = {}, key = session.key(), signal } = {}) {
  const all = { ...headers, Authorization: `Bearer ${key}` };
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && typeof body !== 'string') {
    all['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(path, { method, headers: all, body: payload, signal });
}

async function failure(response) {
  let problem;
  try {
    problem = await response.json();
  } catch {
    problem = { detail: response.statusText };
  }
  return new ApiError(response.status, problem);
}

/** The JSON answer of a request; a non-2xx answer throws an ApiError carrying the problem. */
export async function api(path, options) {
  const response = await request(path, options);
  if (!response.ok) {
    throw await failure(response);
  }
  return response.status === 204 ? null : response.json();
}

/** The data of each server-sent event of a streamed answer (fetch, since EventSource cannot send the key). */
export async function* events(path, options = {}) {
  const response = await request(path, options);
  if (!response.ok) {
    throw await failure(response);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) {
        yield data;
      }
    }
  }
}

export const enc = encodeURIComponent;
