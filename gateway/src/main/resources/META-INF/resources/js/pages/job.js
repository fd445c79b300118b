// One training job: live progress from its server-sent events, metric plots with the chosen checkpoint marked,
// hyperparameters, state changes and cancel (write).
import { api, enc, events, session } from '../api.js';
import { badge, chart, confirmAction, facts, failure, h, number, section, size, table, time } from '../ui.js';

const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED', 'COALESCED'];
const METRICS_REFRESH_MS = 1000;

/** The metric series by plot: training loss and learning rate, DPO rewards and log-probabilities, eval, the rest. */
function plots(rows) {
  const keys = new Set();
  rows.forEach((row) => Object.keys(row.metrics || {}).forEach((key) => keys.add(key)));
  const group = (test) => [...keys].filter(test).sort();
  const eval_ = group((key) => key.startsWith('eval/'));
  const rewards = group((key) => key.startsWith('rewards/') && key !== 'rewards/accuracies');
  const accuracies = group((key) => key === 'rewards/accuracies');
  const logps = group((key) => key.startsWith('logps/'));
  const throughput = group((key) => key.startsWith('tokens'));
  const taken = new Set([...eval_, ...rewards, ...accuracies, ...logps, ...throughput]);
  const other = group((key) => !taken.has(key));
  return [
    { id: 'loss', title: 'Loss', series: [{ name: 'loss', value: (row) => row.loss }] },
    { id: 'learning-rate', title: 'Learning rate', series: [{ name: 'learning rate', value: (row) => row.learningRate }] },
    ...[
      ['rewards', 'Rewards (chosen, rejected, margins)', rewards],
      ['accuracies', 'Reward accuracy', accuracies],
      ['logps', 'Log-probabilities', logps],
      ['eval', 'Evaluation (at its steps)', eval_],
      ['throughput', 'Throughput', throughput],
      ['other', 'Other metrics', other],
    ]
      .filter(([, , names]) => names.length)
      .map(([id, title, names]) => ({ id, title, series: names.map((name) => ({ name, value: (row) => row.metrics?.[name] })) })),
  ];
}

/** [step, value] of the rows that have the series' metric (eval metrics come every eval interval), in one pass. */
function points(series, rows) {
  const data = [];
  for (const row of rows) {
    const value = series.value(row);
    if (value !== undefined && value !== null) {
      data.push([row.step, value]);
    }
  }
  return data;
}

function plotOption(plot, rows, chosenStep) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 56, right: 16, top: 32, bottom: 36 },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 22, min: chosenStep === 0 ? 0 : 'dataMin', max: 'dataMax' },
    yAxis: { type: 'value', scale: true },
    series: plot.series.map((series, index) => ({
      name: series.name,
      type: 'line',
      showSymbol: rows.length <= 60,
      symbolSize: 5,
      sampling: 'lttb',
      connectNulls: true,
      data: points(series, rows),
      // The chosen checkpoint; step 0 means no step beat the starting weights.
      markLine:
        index === 0 && chosenStep !== null
          ? { symbol: 'none', silent: true, label: { formatter: chosenStep ? `chosen: step ${chosenStep}` : 'chosen: the start', position: 'insideEndTop' }, lineStyle: { color: '#b33a3a', type: 'dashed' }, data: [{ xAxis: chosenStep }] }
          : undefined,
    })),
  };
}

function rate(rows) {
  const last = rows[rows.length - 1];
  const tokens = last?.metrics?.tokens_per_s ?? last?.metrics?.tokens_per_second;
  return tokens === undefined ? null : tokens;
}

/** Seconds left from the pace of the recorded steps (first to last row), or null before two rows exist. */
function eta(job, rows) {
  if (rows.length < 2 || FINAL.includes(job.state)) {
    return null;
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  const seconds = (Date.parse(last.recordedAt) - Date.parse(first.recordedAt)) / 1000;
  const steps = last.step - first.step;
  return steps > 0 ? ((job.maxSteps - job.step) * seconds) / steps : null;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) {
    return '–';
  }
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** State changes from the job's timestamps, plus the ones this page saw arrive. */
function stateLog(job, seen) {
  const log = [{ at: job.createdAt, what: `queued (${job.origin?.toLowerCase?.() || 'created'})` }];
  if (job.startedAt) {
    log.push({ at: job.startedAt, what: `running (attempt ${job.attempts})` });
  }
  if (job.resumedFromStep) {
    log.push({ at: job.startedAt, what: `resumed from the checkpoint at step ${job.resumedFromStep}` });
  }
  if (job.finishedAt) {
    log.push({ at: job.finishedAt, what: `${job.state.toLowerCase()}${job.reason ? `: ${job.reason}` : ''}${job.error ? `: ${job.error}` : ''}` });
  }
  seen.forEach((entry) => {
    if (!log.some((known) => known.what.startsWith(entry.what))) {
      log.push(entry);
    }
  });
  return log;
}

export async function render(main, id) {
  const base = `/api/v1/jobs/${enc(id)}`;
  let [job, rows] = await Promise.all([api(base), api(`${base}/metrics`)]);
  const seen = [];
  const abort = new AbortController();
  const progress = h('div', { class: 'progress-box' });
  const plotsBox = h('div', { class: 'plots' });
  const side = h('div', {});
  const message = h('p', { role: 'status' });
  const boxes = new Map();
  let pendingPlots = null;

  const cancel = async () => {
    if ((await confirmAction(`Cancel job ${id.slice(0, 8)}? Its training stops at the next step and no model is registered.`, { askReason: false, confirmLabel: 'Cancel the job' })) === null) {
      return;
    }
    try {
      job = await api(`${base}/cancel`, { method: 'POST' });
      draw();
    } catch (error) {
      message.replaceChildren(failure(error));
    }
  };

  const drawProgress = () => {
    const fraction = job.maxSteps ? Math.min(1, job.step / job.maxSteps) : 0;
    progress.replaceChildren(
      h('div', { class: 'progress-head' }, badge(job.state), session.can('write') && !FINAL.includes(job.state) ? h('button', { class: 'danger small', id: 'cancel', onclick: cancel }, 'Cancel job') : null),
      h('progress', { max: 1, value: fraction, 'aria-label': 'steps done' }),
      facts([
        ['Step', h('span', { 'data-field': 'step' }, `${job.step} / ${job.maxSteps}`)],
        ['Loss', number(job.lastLoss)],
        ['Tokens/s', number(rate(rows), 3) || '–'],
        ['ETA', duration(eta(job, rows))],
        ['Checkpoint', job.checkpointStep ? `step ${job.checkpointStep}` : '–'],
        ['Chosen step', job.result?.chosenStep ?? '–'],
      ]),
    );
  };

  const drawPlots = () => {
    const chosen = job.result?.chosenStep ?? null;
    const all = plots(rows);
    // Every new box goes in before any chart is drawn, so that sizing the charts lays the page out once, not once
    // per chart (each chart reads its box's size).
    const added = all.filter((plot) => !boxes.has(plot.id));
    plotsBox.append(
      ...added.map((plot) => {
        const box = h('div', { class: 'chart', 'data-chart': plot.id });
        boxes.set(plot.id, box);
        return h('figure', { class: 'plot' }, h('figcaption', {}, plot.title), box);
      }),
    );
    const sizes = new Map(all.map((plot) => [plot.id, size(boxes.get(plot.id))]));
    const inView = new Set(all.filter((plot) => boxes.get(plot.id).getBoundingClientRect().top < window.innerHeight).map((plot) => plot.id));
    const drawPlot = (plot) => {
      const option = plotOption(plot, rows, chosen);
      const box = boxes.get(plot.id);
      box.dataset.points = option.series[0] ? option.series[0].data.length : 0;
      chart(box, option, sizes.get(plot.id));
    };
    clearTimeout(pendingPlots);
    // The plots in view are drawn now; those below the fold one per task right after, so that the page shows its
    // figures before every series of a long run is drawn and stays responsive meanwhile.
    all.filter((plot) => inView.has(plot.id)).forEach(drawPlot);
    const later = all.filter((plot) => !inView.has(plot.id));
    const next = () => {
      const plot = later.shift();
      if (plot) {
        drawPlot(plot);
        pendingPlots = setTimeout(next, 0);
      } else if (!performance.getEntriesByName('tunestream:complete').length) {
        performance.mark('tunestream:complete');
      }
    };
    pendingPlots = setTimeout(next, 0);
  };

  const drawSide = () => {
    side.replaceChildren(
      section(
        'Job',
        facts([
          ['Recipe', job.recipe],
          ['Model', h('a', { href: `#/models/${enc(job.model)}` }, `${job.model}${job.baseModelVersion ? ` v${job.baseModelVersion}` : ''}`)],
          ['Dataset', `${job.dataset} v${job.datasetVersion}`],
          ['Attempts', job.attempts],
          ['Runner', job.leaseOwner],
          ['Eval metric', job.result?.evalMetric],
        ]),
      ),
      section('Hyperparameters', table([['Name', ([key]) => key], ['Value', ([, value]) => (typeof value === 'object' ? JSON.stringify(value) : String(value))]], Object.entries(job.hyperparameters || {}).sort(), { empty: 'Defaults of the service.' })),
      section('State changes', table([['When', (entry) => time(entry.at)], ['What', (entry) => entry.what]], stateLog(job, seen))),
    );
  };

  const draw = () => {
    drawProgress();
    drawPlots();
    drawSide();
  };

  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, `Job ${id.slice(0, 8)}`), h('p', { class: 'muted small' }, id)),
    message,
    h('div', { class: 'job-layout' }, h('div', {}, section('Progress', progress), section(`Metrics (${rows.length} rows)`, plotsBox)), side),
  );
  draw();

  if (!FINAL.includes(job.state)) {
    (async () => {
      let lastFetch = 0;
      let lastState = job.state;
      try {
        for await (const data of events(`${base}/progress`, { signal: abort.signal, headers: { accept: 'text/event-stream' } })) {
          job = JSON.parse(data);
          if (job.state !== lastState) {
            seen.push({ at: new Date().toISOString(), what: job.state.toLowerCase() });
            lastState = job.state;
          }
          if (Date.now() - lastFetch > METRICS_REFRESH_MS || FINAL.includes(job.state)) {
            lastFetch = Date.now();
            rows = await api(`${base}/metrics`, { signal: abort.signal });
            main.querySelector('.plots')?.closest('section')?.querySelector('h2')?.replaceChildren(`Metrics (${rows.length} rows)`);
          }
          draw();
        }
        // The stream ends with the job: take the final figures (result, chosen step).
        [job, rows] = await Promise.all([api(base, { signal: abort.signal }), api(`${base}/metrics`, { signal: abort.signal })]);
        main.querySelector('.plots')?.closest('section')?.querySelector('h2')?.replaceChildren(`Metrics (${rows.length} rows)`);
        draw();
      } catch (error) {
        if (error.name !== 'AbortError') {
          message.replaceChildren(failure(error));
        }
      }
    })();
  }
  return () => {
    abort.abort();
    clearTimeout(pendingPlots);
  };
}
