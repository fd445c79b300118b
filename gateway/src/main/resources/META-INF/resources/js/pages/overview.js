// The loop at a glance: models and what serves, pipelines and their round, training work, last decisions. Polled.
import { api, enc } from '../api.js';
import { badge, failure, h, number, section, table, time } from '../ui.js';

const POLL_MS = 2000;
const LIVE_STATES = ['QUEUED', 'RUNNING'];

async function load() {
  const [models, pipelines, jobs] = await Promise.all([
    api('/api/v1/models'),
    api('/api/v1/pipelines'),
    api('/api/v1/jobs?limit=50'),
  ]);
  const perModel = await Promise.all(
    models.map(async (model) => {
      const [aliases, versions] = await Promise.all([
        api(`/api/v1/models/${enc(model.name)}/aliases`),
        api(`/api/v1/models/${enc(model.name)}/versions`),
      ]);
      return { model, aliases, versions };
    }),
  );
  return { perModel, pipelines, jobs };
}

function drops(outcomes) {
  const entries = Object.entries(outcomes || {}).filter(([reason, count]) => reason !== 'pairs' && count > 0);
  return entries.length ? entries.map(([reason, count]) => h('span', { class: 'chip' }, `${reason} ${count}`)) : h('span', { class: 'muted' }, 'none');
}

function answered(pipeline) {
  return Object.values(pipeline.outcomes || {}).reduce((sum, count) => sum + count, 0);
}

function modelsSection({ perModel }) {
  return section(
    'Models',
    table(
      [
        ['Model', ({ model }) => h('a', { href: `#/models/${enc(model.name)}` }, model.name)],
        ['Production', ({ model }) => (model.aliases.production ? `v${model.aliases.production}` : h('span', { class: 'muted' }, 'none'))],
        ['Promoted', ({ aliases }) => time(aliases.find((alias) => alias.alias === 'production')?.updatedAt)],
        ['Candidate', ({ model }) => (model.aliases.candidate ? `v${model.aliases.candidate}` : '')],
        ['Versions', ({ model }) => model.versions],
        ['Policy', ({ model }) => model.policy?.mode],
      ],
      perModel,
      { empty: 'No model yet: import one (POST /api/v1/models/{model}/import).' },
    ),
  );
}

/** Each pipeline as the loop it turns: prompts out, answers back, pairs kept or dropped, sealed into versions. */
function pipelinesSection({ pipelines }) {
  if (!pipelines.length) {
    return section('Pipelines', h('p', { class: 'muted' }, 'No pipeline yet.'));
  }
  return section(
    'Pipelines',
    h(
      'div',
      { class: 'pipelines' },
      pipelines.map((pipeline) =>
        h(
          'article',
          { class: 'pipeline', 'data-pipeline': pipeline.name },
          h(
            'header',
            {},
            h('h3', {}, pipeline.name),
            h('span', { class: 'muted' }, `${pipeline.recipe} · ${pipeline.dataset} · `, h('a', { href: `#/models/${enc(pipeline.model)}` }, pipeline.model), pipeline.modelVersion ? ` v${pipeline.modelVersion}` : ''),
          ),
          h(
            'ol',
            { class: 'loop', 'aria-label': 'the round as a loop' },
            h('li', {}, h('span', { class: 'label' }, 'Round'), h('strong', { 'data-field': 'round' }, pipeline.round)),
            h('li', {}, h('span', { class: 'label' }, 'Prompts sent'), h('strong', { 'data-field': 'sent' }, pipeline.promptsPublished), h('span', { class: 'muted' }, ` of ${pipeline.prompts}`)),
            h('li', {}, h('span', { class: 'label' }, 'Answered'), h('strong', { 'data-field': 'answered' }, answered(pipeline))),
            h('li', {}, h('span', { class: 'label' }, 'Pairs'), h('strong', { 'data-field': 'pairs' }, pipeline.outcomes?.pairs || 0), h('span', { class: 'muted' }, ` ${pipeline.waitingPairs} waiting`)),
            h('li', {}, h('span', { class: 'label' }, 'Sealed'), pipeline.lastSealedAt ? time(pipeline.lastSealedAt) : h('span', { class: 'muted' }, 'not yet')),
          ),
          h('p', { class: 'drops' }, h('span', { class: 'label' }, 'Drops: '), drops(pipeline.outcomes)),
          h('p', { class: 'muted small' }, 'Seals ', pipeline.sealEveryNew ? `every ${pipeline.sealEveryNew} new pairs` : '', pipeline.sealWindow ? ` every ${pipeline.sealWindow}` : '', pipeline.roundCap ? ` · ${pipeline.roundCap} prompts a round` : '', pipeline.roundStartedAt ? ' · round started ' : '', time(pipeline.roundStartedAt)),
        ),
      ),
    ),
  );
}

function jobsSection({ jobs }) {
  const live = jobs.filter((job) => LIVE_STATES.includes(job.state));
  return section(
    'Training: queued and running',
    table(
      [
        ['Job', (job) => h('a', { href: `#/jobs/${enc(job.id)}` }, job.id.slice(0, 8))],
        ['State', (job) => badge(job.state)],
        ['Recipe', (job) => job.recipe],
        ['Model', (job) => `${job.model}${job.baseModelVersion ? ` v${job.baseModelVersion}` : ''}`],
        ['Dataset', (job) => `${job.dataset} v${job.datasetVersion}`],
        ['Step', (job) => `${job.step} / ${job.maxSteps}`],
        ['Loss', (job) => number(job.lastLoss)],
        ['Queued', (job) => time(job.createdAt)],
      ],
      live,
      { empty: 'Nothing queued or running.', rowAttributes: (job) => ({ 'data-job': job.id }) },
    ),
    h('p', {}, h('a', { href: '#/jobs' }, 'All jobs →')),
  );
}

function decisionsSection({ perModel }) {
  const decisions = perModel
    .flatMap(({ versions }) => versions.filter((version) => version.decision))
    .sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)))
    .slice(0, 8);
  return section(
    'Last decisions',
    table(
      [
        ['Version', (v) => h('a', { href: `#/models/${enc(v.model)}` }, `${v.model} v${v.version}`)],
        ['Decision', (v) => badge(v.decision)],
        ['Reason', (v) => h('span', { class: 'reason' }, v.decisionReason || '')],
        ['Metric', (v) => (v.evalMetric ? `${v.evalMetric} ${number(v.metrics?.[v.evalMetric])} vs ${number(v.parentMetrics?.[v.evalMetric])}` : '')],
        ['Registered', (v) => time(v.createdAt)],
      ],
      decisions,
      { empty: 'No decision yet.' },
    ),
  );
}

export async function render(main) {
  const status = h('p', { class: 'muted small', id: 'updated' });
  const body = h('div', { class: 'grid' });
  main.replaceChildren(h('div', { class: 'page-head' }, h('h1', {}, 'Overview'), status), body);
  let timer = null;
  let stopped = false;
  const refresh = async () => {
    try {
      const data = await load();
      if (stopped) {
        return;
      }
      body.replaceChildren(pipelinesSection(data), modelsSection(data), jobsSection(data), decisionsSection(data));
      status.textContent = `Live: updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      status.replaceChildren(failure(error));
    }
    if (!stopped) {
      timer = setTimeout(refresh, POLL_MS);
    }
  };
  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
