// Every training job, newest first.
import { api, enc } from '../api.js';
import { badge, h, number, section, table, time } from '../ui.js';

export async function render(main) {
  const jobs = await api('/api/v1/jobs?limit=200');
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, 'Jobs')),
    section(
      `${jobs.length} jobs`,
      table(
        [
          ['Job', (job) => h('a', { href: `#/jobs/${enc(job.id)}` }, job.id.slice(0, 8))],
          ['State', (job) => badge(job.state)],
          ['Recipe', (job) => job.recipe],
          ['Model', (job) => `${job.model}${job.baseModelVersion ? ` v${job.baseModelVersion}` : ''}`],
          ['Dataset', (job) => `${job.dataset} v${job.datasetVersion}`],
          ['Step', (job) => `${job.step} / ${job.maxSteps}`],
          ['Loss', (job) => number(job.lastLoss)],
          ['Created', (job) => time(job.createdAt)],
        ],
        jobs,
        { empty: 'No job yet.', rowAttributes: (job) => ({ 'data-job': job.id }) },
      ),
    ),
  );
}
