// Small DOM helpers shared by the pages: elements, tables, figures, charts, the confirmation dialog.

/** An element: h('a', {href: '#/'}, 'text', child, ...). Attributes starting with "on" are listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** A table in a horizontally scrolling box: columns are [header, (row) => cell]; an empty list says so. */
export function table(columns, rows, { empty = 'None yet.', rowAttributes = () => ({}), caption } = {}) {
  if (!rows.length) {
    return h('p', { class: 'muted' }, empty);
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map(([header]) => h('th', { scope: 'col' }, header)))),
      h(
        'tbody',
        {},
        rows.map((row) => h('tr', rowAttributes(row), columns.map(([, cell]) => h('td', {}, cell(row) ?? '')))),
      ),
    ),
  );
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

// One formatter for every time shown: toLocaleString(options) builds a new one per call, which tables of a hundred
// rows felt.
const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function time(value) {
  if (!value) {
    return '';
  }
  return h('time', { datetime: value, title: value }, TIME_FORMAT.format(new Date(value)));
}

export function number(value, digits = 4) {
  if (value === undefined || value === null) {
    return '';
  }
  return Number.isInteger(value) ? String(value) : Number(value).toPrecision(digits);
}

export function badge(text, kind = text) {
  return text ? h('span', { class: `badge badge-${String(kind).toLowerCase()}` }, text) : '';
}

/** A failed load, said where the data would have been. */
export function failure(error) {
  return h('p', { class: 'error', role: 'alert' }, error.message || String(error));
}

/** Key-value pairs as a definition list. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, value]) => value !== undefined && value !== null && value !== '').flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

const charts = new Set();
// 'auto': measure the box again, also for a chart made with a known size.
window.addEventListener('resize', () => charts.forEach((chart) => chart.resize({ width: 'auto', height: 'auto' })));

/** A box's size, read before a batch of charts is set up so that their setup causes no further layout. */
export function size(element) {
  return { width: element.clientWidth, height: element.clientHeight };
}

/**
 * An ECharts chart in a sized box; disposed with disposeCharts() when the page changes. The box's size, when given
 * (from size(), read with the other boxes' before any chart was made), spares ECharts a layout per chart; a window
 * resize measures the box again.
 */
export function chart(element, option, known = undefined) {
  const instance = window.echarts.getInstanceByDom(element) || window.echarts.init(element, null, { renderer: 'canvas', ...(known || {}) });
  instance.setOption(option, true);
  charts.add(instance);
  return instance;
}

export function disposeCharts() {
  charts.forEach((chart) => chart.dispose());
  charts.clear();
}

/** Asks before an action; resolves to the reason typed (possibly empty) or null when cancelled. */
export function confirmAction(text, { askReason = true, confirmLabel = 'Confirm' } = {}) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-reason-label').hidden = !askReason;
  document.getElementById('confirm-reason').value = '';
  document.getElementById('confirm-ok').textContent = confirmLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'ok' ? document.getElementById('confirm-reason').value.trim() : null),
      { once: true },
    );
  });
}
