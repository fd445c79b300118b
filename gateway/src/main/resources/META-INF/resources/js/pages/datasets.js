// Datasets: statistics, versions with their manifests, creation and uploads (write) with a rejection's located errors.
import { api, ApiError, enc, session } from '../api.js';
import { facts, failure, h, section, table, time } from '../ui.js';

const KINDS = ['sft', 'preference', 'pretrain', 'eval'];

/** The content type the dataset-service reads a file as, from its name (JSON Lines unless it is a .json array). */
function contentType(file) {
  return file.name.endsWith('.json') ? 'application/json' : 'application/x-ndjson';
}

/** A rejected upload exactly as the API located it: line (JSON Lines) or index (JSON array), field, problem. */
function rejection(error) {
  const problem = error.problem || {};
  const errors = problem.errors || [];
  return h(
    'div',
    { class: 'rejection', role: 'alert', 'data-status': error.status },
    h('p', { class: 'error' }, h('strong', {}, `Rejected (${error.status}): `), problem.detail || error.message),
    facts([
      ['Format', problem.format],
      ['Records', problem.records],
      ['Invalid', problem.invalid],
      ['Read completely', problem.complete === undefined ? null : problem.complete ? 'yes' : 'no'],
    ]),
    table(
      [
        ['Line', (e) => (e.line ?? '')],
        ['Index', (e) => (e.index ?? '')],
        ['Field', (e) => (e.field ? h('code', {}, e.field) : '')],
        ['Problem', (e) => e.problem || ''],
        ['Message', (e) => e.message || ''],
      ],
      errors,
      { empty: 'No record-level errors: the upload as a whole was refused.', rowAttributes: (e) => ({ 'data-line': e.line ?? '', 'data-index': e.index ?? '' }), caption: errors.length ? `${errors.length} located errors` : null },
    ),
  );
}

function uploadForm(datasets, reload) {
  const select = h('select', { id: 'upload-dataset', required: true }, datasets.map((d) => h('option', { value: d.name }, `${d.name} (${d.kind})`)));
  const file = h('input', { id: 'upload-file', type: 'file', accept: '.jsonl,.ndjson,.json', required: true });
  const result = h('div', { id: 'upload-result' });
  const button = h('button', { type: 'submit', id: 'upload-submit' }, 'Upload');
  return h(
    'form',
    {
      class: 'stack',
      onsubmit: async (event) => {
        event.preventDefault();
        const chosen = file.files[0];
        if (!chosen) {
          return;
        }
        button.disabled = true;
        result.replaceChildren(h('p', { class: 'muted' }, `Uploading ${chosen.name}…`));
        try {
          const answer = await api(`/api/v1/datasets/${enc(select.value)}/uploads`, {
            method: 'POST',
            body: chosen,
            headers: { 'content-type': contentType(chosen), 'X-File-Name': chosen.name },
          });
          result.replaceChildren(h('p', { class: 'ok', role: 'status' }, `Accepted: ${answer.records} records (${answer.format}), ${answer.added} added, ${answer.duplicates} duplicates.`));
          reload();
        } catch (error) {
          result.replaceChildren(error instanceof ApiError ? rejection(error) : failure(error));
        } finally {
          button.disabled = false;
        }
      },
    },
    h('label', { for: 'upload-dataset' }, 'Dataset'),
    select,
    h('label', { for: 'upload-file' }, 'File (JSON Lines, or a JSON array)'),
    file,
    button,
    result,
  );
}

function createForm(reload) {
  const name = h('input', { id: 'new-dataset', required: true, pattern: '[a-z0-9][a-z0-9._-]*', placeholder: 'name' });
  const kind = h('select', { id: 'new-kind' }, KINDS.map((k) => h('option', { value: k }, k)));
  const message = h('div');
  return h(
    'form',
    {
      class: 'inline',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api('/api/v1/datasets', { method: 'POST', body: { name: name.value.trim(), kind: kind.value } });
          reload();
        } catch (error) {
          message.replaceChildren(failure(error));
        }
      },
    },
    name,
    kind,
    h('button', { type: 'submit' }, 'Create dataset'),
    message,
  );
}

function datasetCard({ dataset, statistics, versions }) {
  const manifest = h('pre', { class: 'manifest', hidden: true });
  const show = async (version) => {
    manifest.hidden = false;
    manifest.textContent = 'Loading…';
    try {
      manifest.textContent = JSON.stringify(await api(`/api/v1/datasets/${enc(dataset.name)}/versions/${version}`), null, 2);
    } catch (error) {
      manifest.textContent = error.message;
    }
  };
  const pipelines = Object.entries(statistics.pipelines || {});
  return h(
    'article',
    { class: 'card dataset', 'data-dataset': dataset.name },
    h('h2', {}, dataset.name, ' ', h('span', { class: 'muted' }, dataset.kind)),
    facts([
      ['Samples', statistics.samples],
      ['By format', Object.entries(statistics.samplesByFormat || {}).map(([f, n]) => `${f} ${n}`).join(', ') || '–'],
      ['DPO prompts', statistics.dpoPromptSamples],
      ['Uploads', statistics.uploads],
      ['Versions', statistics.versions],
      ['Created', time(dataset.createdAt)],
    ]),
    pipelines.length
      ? h('p', { class: 'small' }, h('span', { class: 'label' }, 'Pipelines: '), pipelines.map(([p, outcomes]) => h('span', { class: 'chip' }, `${p}: ${Object.entries(outcomes).map(([o, n]) => `${o} ${n}`).join(', ')}`)))
      : null,
    table(
      [
        ['Version', (v) => h('button', { class: 'link', onclick: () => show(v.version), title: 'Show the manifest' }, `v${v.version}`)],
        ['Recipe', (v) => v.recipe || v.kind],
        ['Round', (v) => v.round ?? ''],
        ['From', (v) => (v.sourceModel ? `${v.sourceModel} v${v.sourceModelVersion}` : '')],
        ['Train', (v) => v.train],
        ['Eval', (v) => v.eval],
        ['Manifest', (v) => h('code', { title: v.manifestSha256 }, (v.manifestSha256 || '').slice(0, 12))],
        ['Created', (v) => time(v.createdAt)],
      ],
      [...versions].sort((a, b) => b.version - a.version),
      { empty: 'No version sealed yet.' },
    ),
    manifest,
  );
}

export async function render(main) {
  const reload = () => render(main);
  const datasets = await api('/api/v1/datasets');
  const details = await Promise.all(
    datasets.map(async (dataset) => {
      const [statistics, versions] = await Promise.all([
        api(`/api/v1/datasets/${enc(dataset.name)}/statistics`),
        api(`/api/v1/datasets/${enc(dataset.name)}/versions`),
      ]);
      return { dataset, statistics, versions };
    }),
  );
  const write = session.can('write');
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, 'Datasets')),
    write && datasets.length ? section('Upload', uploadForm(datasets, () => {})) : null,
    write ? section('New dataset', createForm(reload)) : null,
    details.length ? h('div', { class: 'datasets' }, details.map(datasetCard)) : h('p', { class: 'muted card' }, 'No dataset yet.'),
  );
}
