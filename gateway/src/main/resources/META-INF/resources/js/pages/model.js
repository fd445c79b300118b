// One model: its versions, the lineage graph, each decision's figures, alias history, promote and roll back (admin).
import { api, ApiError, enc, session } from '../api.js';
import { badge, chart, confirmAction, facts, failure, h, number, section, size, table, time } from '../ui.js';

const EDGE_COLORS = { parent: '#2458b3', 'trained-on': '#2e8b57', 'generated-by': '#c07a12' };
const VERSIONS_IN_VIEW = 12;

async function history(model, alias) {
  try {
    return await api(`/api/v1/models/${enc(model)}/aliases/${alias}/history`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return [];
    }
    throw error;
  }
}

/** Model versions on one row in version order, dataset versions on a row below, under what they trained. */
function lineageOption(graph) {
  const x = new Map();
  graph.nodes.filter((node) => node.kind === 'model-version').forEach((node) => x.set(node.id, node.version * 90));
  const nodes = graph.nodes.map((node) => {
    if (node.kind === 'model-version') {
      const aliases = node.aliases?.length ? `\n${node.aliases.join(', ')}` : '';
      return {
        id: node.id,
        name: `v${node.version}${aliases}`,
        x: x.get(node.id),
        y: 0,
        category: 0,
        symbol: 'roundRect',
        symbolSize: [78, 42],
        itemStyle: { color: node.aliases?.includes('production') ? '#2458b3' : node.decision === 'rejected' ? '#b33a3a' : '#6b8fd6' },
        tooltip: { formatter: `${node.model} v${node.version}<br>${node.origin || ''} ${node.decision || ''}` },
      };
    }
    const trainedBy = graph.edges.filter((edge) => edge.to === node.id).map((edge) => x.get(edge.from) ?? 0);
    return {
      id: node.id,
      name: `${node.dataset}\nv${node.datasetVersion}`,
      x: trainedBy.length ? Math.min(...trainedBy) - 45 : 0,
      y: 110,
      category: 1,
      symbol: 'rect',
      symbolSize: [96, 42],
      itemStyle: { color: '#2e8b57' },
      tooltip: { formatter: `${node.dataset} v${node.datasetVersion}${node.pipeline ? `<br>pipeline ${node.pipeline}` : ''}` },
    };
  });
  // A long history opens on its latest versions (about a dozen across the box) rather than all of them squeezed into
  // it; drag and zoom reach the rest. Edge names are written on the edges only while they are few enough to read, and
  // shown on hover otherwise.
  const versionsX = [...x.values()];
  const wide = versionsX.length > VERSIONS_IN_VIEW;
  const latestX = Math.max(0, ...versionsX);
  const fewEdges = graph.edges.length <= 40;
  return {
    tooltip: {},
    legend: [{ data: ['model version', 'dataset version'], bottom: 0 }],
    animation: false,
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: true,
        zoom: wide ? versionsX.length / VERSIONS_IN_VIEW : 1,
        center: wide ? [latestX - (VERSIONS_IN_VIEW / 2 - 0.5) * 90, 55] : undefined,
        emphasis: { focus: 'adjacency', edgeLabel: { show: true } },
        categories: [{ name: 'model version' }, { name: 'dataset version' }],
        label: { show: true, color: '#fff', fontSize: 11, lineHeight: 14 },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 8,
        edgeLabel: { show: fewEdges, formatter: (params) => params.data.kind, fontSize: 10, color: '#555' },
        data: nodes,
        links: graph.edges.map((edge) => ({
          source: edge.from,
          target: edge.to,
          kind: edge.kind,
          lineStyle: { color: EDGE_COLORS[edge.kind] || '#888', width: 1.5, curveness: edge.kind === 'parent' ? 0.3 : 0 },
        })),
      },
    ],
  };
}

function familiesTable(gate) {
  const families = Object.entries(gate.families || {});
  return table(
    [
      ['Family', ([family]) => family],
      ['Items', ([, f]) => f.items],
      ['Candidate', ([, f]) => `${number(f.candidateAccuracy, 3)} (${f.candidateCorrect})`],
      ['Parent', ([, f]) => `${number(f.parentAccuracy, 3)} (${f.parentCorrect})`],
      ['Change', ([, f]) => h('span', { class: f.change < 0 ? 'worse' : 'better' }, number(f.change, 3))],
      ['Within tolerance', ([, f]) => (f.withinTolerance ? 'yes' : h('strong', { class: 'worse' }, 'no'))],
    ],
    families,
    { empty: 'No per-family figures (the gate compared one metric).' },
  );
}

function decisionCard(version) {
  const gate = version.gate;
  const figures = gate
    ? facts([
        ['Rule', gate.rule],
        ['Promote', gate.promote ? 'yes' : 'no'],
        ['Failed checks', gate.failedChecks?.length ? gate.failedChecks.join(', ') : 'none'],
        ['Evaluation set', gate.evaluated ? `${gate.evaluated.dataset} v${gate.evaluated.version}` : null],
        ['Items', gate.items],
        ['Accuracy', gate.candidateAccuracy !== null && gate.candidateAccuracy !== undefined ? `candidate ${number(gate.candidateAccuracy, 3)} vs parent ${number(gate.parentAccuracy, 3)}` : null],
        ['Discordant', gate.candidateOnly !== null && gate.candidateOnly !== undefined ? `candidate only ${gate.candidateOnly}, parent only ${gate.parentOnly}` : null],
        ['p-value', gate.pValue !== null && gate.pValue !== undefined ? `${number(gate.pValue, 3)} (α ${gate.alpha})` : null],
        ['Margin', gate.margin],
        ['Family tolerance', gate.familyTolerance],
        ['Metric', gate.evalMetric ? `${gate.evalMetric}: candidate ${number(gate.candidateMetric)} vs parent ${number(gate.parentMetric)}` : null],
      ])
    : h('p', { class: 'muted' }, 'No gate figures recorded (a decision by hand or by policy mode).');
  return h(
    'details',
    { class: 'decision', 'data-version': version.version },
    h('summary', {}, `v${version.version} `, badge(version.decision), ' ', h('span', { class: 'reason' }, version.decisionReason || '')),
    figures,
    gate ? familiesTable(gate) : null,
  );
}

function familiesChart(element, version, known) {
  const families = Object.entries(version.gate?.families || {});
  chart(element, {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 10, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: families.map(([family]) => family), axisLabel: { interval: 0, rotate: families.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, max: 1, name: 'accuracy' },
    series: [
      { name: `candidate v${version.version}`, type: 'bar', data: families.map(([, f]) => f.candidateAccuracy), itemStyle: { color: '#2458b3' } },
      { name: `parent v${version.lineage?.parentVersion ?? ''}`, type: 'bar', data: families.map(([, f]) => f.parentAccuracy), itemStyle: { color: '#9aa5b1' } },
    ],
  }, known);
}

export async function render(main, name) {
  const base = `/api/v1/models/${enc(name)}`;
  const [model, versions, graph, production, candidate] = await Promise.all([
    api(base),
    api(`${base}/versions`),
    api(`${base}/lineage`),
    history(name, 'production'),
    history(name, 'candidate'),
  ]);
  const admin = session.can('admin');
  const message = h('p', { role: 'status', class: 'muted' });

  const act = async (text, path, body) => {
    const reason = await confirmAction(text);
    if (reason === null) {
      return;
    }
    try {
      await api(path, { method: 'POST', body: { ...body, ...(reason ? { reason } : {}) } });
      await render(main, name);
    } catch (error) {
      message.replaceChildren(failure(error));
    }
  };
  const actions = (version) => {
    if (!admin) {
      return '';
    }
    const holds = version.aliases?.includes('production');
    return h(
      'span',
      { class: 'row-actions' },
      !holds && version.state !== 'archived'
        ? h('button', { class: 'small', 'data-action': 'promote', onclick: () => act(`Promote ${name} v${version.version} to production? Every new request and the next round will be answered by it.`, `${base}/versions/${version.version}/promote`, {}) }, 'Promote')
        : null,
      !holds && version.version < (model.aliases.production || 0)
        ? h('button', { class: 'small secondary', 'data-action': 'rollback', onclick: () => act(`Roll ${name} production back to v${version.version}?`, `${base}/rollback`, { version: version.version }) }, 'Roll back here')
        : null,
    );
  };

  const ordered = [...versions].sort((a, b) => b.version - a.version);
  const decided = ordered.filter((version) => version.decision);
  const withFamilies = decided.find((version) => Object.keys(version.gate?.families || {}).length);
  const graphBox = h('div', { class: 'chart graph', id: 'lineage', 'data-chart': 'lineage', 'data-edges': graph.edges.length, 'data-nodes': graph.nodes.length });
  const familiesBox = withFamilies ? h('div', { class: 'chart', 'data-chart': 'families' }) : null;

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, name), h('p', { class: 'muted' }, `production v${model.aliases.production ?? '–'}`, model.aliases.candidate ? ` · candidate v${model.aliases.candidate}` : '', ` · ${model.versions} versions · policy ${model.policy?.mode ?? ''}`)),
    message,
    section(
      'Versions',
      table(
        [
          ['Version', (v) => h('strong', {}, `v${v.version}`)],
          ['State', (v) => badge(v.state)],
          ['Aliases', (v) => (v.aliases || []).map((alias) => badge(alias))],
          ['Origin', (v) => v.origin],
          ['Recipe', (v) => v.recipe || ''],
          ['Dataset', (v) => (v.lineage?.dataset ? `${v.lineage.dataset} v${v.lineage.datasetVersion}` : '')],
          ['Job', (v) => (v.jobId ? h('a', { href: `#/jobs/${enc(v.jobId)}` }, v.jobId.slice(0, 8)) : '')],
          ['Decision', (v) => badge(v.decision)],
          ['Reason', (v) => h('span', { class: 'reason' }, v.decisionReason || '')],
          ['Created', (v) => time(v.createdAt)],
          ...(admin ? [['', actions]] : []),
        ],
        ordered,
        { rowAttributes: (v) => ({ 'data-version': v.version }) },
      ),
    ),
    section(
      'Lineage',
      h('p', { class: 'muted small' }, 'Arrows: a version to its parent, to the dataset version it was trained on, and a dataset version to the model version that generated it. Drag and zoom to move around.'),
      graphBox,
      h(
        'details',
        { class: 'edges' },
        h('summary', {}, `${graph.edges.length} edges`),
        table([['From', (e) => e.from], ['Kind', (e) => e.kind], ['To', (e) => e.to]], graph.edges, { rowAttributes: () => ({ 'data-edge': '' }) }),
      ),
    ),
    section(
      'Decisions: candidate vs parent',
      familiesBox ? h('p', { class: 'muted small' }, `Per task family, v${withFamilies.version} against its parent:`) : null,
      familiesBox,
      decided.length ? decided.slice(0, 30).map(decisionCard) : h('p', { class: 'muted' }, 'No decision yet.'),
    ),
    section(
      'Alias history',
      table(
        [
          ['When', (c) => time(c.changedAt)],
          ['Alias', (c) => badge(c.alias)],
          ['Version', (c) => `v${c.version}`],
          ['Before', (c) => (c.previousVersion ? `v${c.previousVersion}` : '')],
          ['Action', (c) => c.action],
          ['Reason', (c) => h('span', { class: 'reason' }, c.reason || '')],
        ],
        [...production, ...candidate].sort((a, b) => String(b.changedAt).localeCompare(String(a.changedAt))),
      ),
    ),
  );
  // Both boxes measured before either chart is made: one layout for the two.
  const graphSize = size(graphBox);
  const familiesSize = familiesBox ? size(familiesBox) : null;
  chart(graphBox, lineageOption(graph), graphSize);
  if (familiesBox) {
    familiesChart(familiesBox, withFamilies, familiesSize);
  }
  const first = main.querySelector('details.decision');
  if (first) {
    first.open = true;
  }
}
