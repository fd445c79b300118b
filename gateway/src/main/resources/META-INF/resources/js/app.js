// The dashboard: a hash-routed page per view, each rendering from the gateway's API with the signed-in key.
import { api, ApiError, session } from './api.js';
import { disposeCharts, failure, h } from './ui.js';
import * as overview from './pages/overview.js';
import * as model from './pages/model.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as datasets from './pages/datasets.js';
import * as playground from './pages/playground.js';

const main = document.getElementById('main');

/** Pattern, page, the scope it needs, and the nav label of the pages listed in the bar. */
const routes = [
  [/^\/$/, overview, 'read', 'Overview'],
  [/^\/models\/([^/]+)$/, model, 'read'],
  [/^\/jobs$/, jobs, 'read', 'Jobs'],
  [/^\/jobs\/([^/]+)$/, job, 'read'],
  [/^\/datasets$/, datasets, 'read', 'Datasets'],
  [/^\/playground$/, playground, 'inference', 'Playground'],
];

let leave = null;
// Each route() call's number: a page whose render finishes after another route began is left at once. (Signing in
// sets the hash and routes, and the hashchange routes again: without this, the first overview would poll on unseen.)
let routing = 0;

function nav(path) {
  const bar = document.getElementById('nav');
  const who = document.getElementById('who');
  bar.replaceChildren();
  who.replaceChildren();
  const self = session.self();
  if (!self) {
    return;
  }
  for (const [pattern, , scope, label] of routes) {
    if (label && session.can(scope)) {
      const href = pattern.source.replace(/^\^|\$$/g, '').replace(/\\\//g, '/');
      const current = href === '/' ? path === '/' || path.startsWith('/models/') : path.startsWith(href);
      bar.append(h('a', { href: `#${href}`, 'aria-current': current ? 'page' : null }, label));
    }
  }
  who.append(
    h('span', { class: 'key-name', title: `scopes: ${self.scopes.join(', ')}` }, self.name),
    ' ',
    h('span', { class: 'muted scopes' }, self.scopes.join(' · ')),
    ' ',
    h('button', { class: 'link', onclick: signOut }, 'Sign out'),
  );
}

function signOut() {
  session.clear();
  location.hash = '#/signin';
  route();
}

function signIn(path) {
  const input = h('input', { id: 'key', type: 'password', autocomplete: 'off', placeholder: 'ts_…', required: true, spellcheck: 'false' });
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (event) => {
        event.preventDefault();
        message.hidden = true;
        const key = input.value.trim();
        try {
          const self = await api('/api/v1/keys/self', { key });
          session.save(key, self);
          location.hash = `#${path === '/signin' ? (self.scopes.includes('read') ? '/' : '/playground') : path}`;
          route();
        } catch (error) {
          message.textContent = error instanceof ApiError && error.status === 401 ? 'This key is unknown, revoked or expired.' : error.message;
          message.hidden = false;
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'With a Tunestream API key. It is kept in this browser tab only and sent to the gateway with each request.'),
    h('label', { for: 'key' }, 'API key'),
    input,
    h('button', { type: 'submit', id: 'signin' }, 'Sign in'),
    message,
  );
  main.replaceChildren(form);
  input.focus();
}

async function route() {
  const current = ++routing;
  if (leave) {
    leave();
    leave = null;
  }
  disposeCharts();
  const path = location.hash.replace(/^#/, '') || '/';
  nav(path);
  if (!session.key() || path === '/signin') {
    signIn(path);
    return;
  }
  for (const [pattern, page, scope] of routes) {
    const match = path.match(pattern);
    if (match) {
      if (!session.can(scope)) {
        main.replaceChildren(h('p', { class: 'card error' }, `This key has no "${scope}" scope: the page is not available.`));
        return;
      }
      main.replaceChildren(h('p', { class: 'muted loading' }, 'Loading…'));
      try {
        const stop = (await page.render(main, ...match.slice(1).map(decodeURIComponent))) || null;
        if (current !== routing) {
          stop?.();
          return;
        }
        leave = stop;
        // The page's data is drawn: DashboardBenchmark reads this mark's time from navigation start.
        performance.mark('tunestream:drawn', { detail: path });
      } catch (error) {
        if (current !== routing) {
          return;
        }
        if (error instanceof ApiError && error.status === 401) {
          signOut();
          return;
        }
        main.replaceChildren(failure(error));
      }
      return;
    }
  }
  main.replaceChildren(h('p', { class: 'card error' }, `No page ${path}.`));
}

window.addEventListener('hashchange', route);
// echarts is a deferred classic script: it has run before this module (modules are deferred and run in order).
route();
