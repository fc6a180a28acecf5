// Turns the measurements into the table, the ratios the project sets targets for, and a verdict on each.
// Rendered as aligned text for the terminal, or as Markdown for docs/performance.md.

const COLUMNS = [
  { title: 'contender', align: 'left' },
  { title: 'seq req/s', align: 'right' },
  { title: 'seq p50 ms', align: 'right' },
  { title: 'seq p99 ms', align: 'right' },
  { title: 'seq CPU µs/req', align: 'right' },
  { title: '16 in flight req/s', align: 'right' },
  { title: '64 in flight req/s', align: 'right' },
  { title: 'loop p99 @64 ms', align: 'right' },
  { title: '401s /1000', align: 'right' },
  { title: 'errors', align: 'right' },
];

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function totalErrors(c) {
  return [c.sequential, c.inFlight16, c.inFlight64].reduce((sum, phase) => sum + (phase?.errors ?? 0), 0);
}

/** One row per contender: the figures of every phase it takes part in. */
export function tableRows(contenders) {
  return Object.values(contenders).map((c) => [
    c.label,
    fixed(c.sequential?.rps, 0),
    fixed(c.sequential?.p50Ms, 2),
    fixed(c.sequential?.p99Ms, 2),
    fixed(c.sequential?.cpuUsPerRequest ?? NaN, 0),
    fixed(c.inFlight16?.rps, 0),
    fixed(c.inFlight64?.rps, 0),
    fixed(c.eventLoopP99Ms, 2),
    fixed(c.unauthorizedPer1000, c.unauthorizedPer1000 >= 10 ? 1 : 2),
    String(totalErrors(c)),
  ]);
}

function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN;
}

/** `met`, `missed by …`, or `n/a` for a value against `op target`. */
function verdict(value, op, target, unit) {
  if (!Number.isFinite(value)) return 'n/a';
  const met = op === '>=' ? value >= target : op === '<=' ? value <= target : value < target;
  if (met) return 'met';
  const gap = Math.abs(value - target);
  const percent = target !== 0 ? (gap / Math.abs(target)) * 100 : NaN;
  const relative = Number.isFinite(percent) ? ` (${percent.toFixed(percent < 10 ? 1 : 0)}%)` : '';
  // A ratio shown as 1.00x can still miss 1.00x: the gap gets a third decimal.
  const shown = unit === 'x' ? `${gap.toFixed(3)}x` : formatValue(gap, unit);
  return `missed by ${shown}${relative}`;
}

function formatValue(value, unit) {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'x') return `${value.toFixed(2)}x`;
  // Counts stay whole; small rates such as 0.04 401s per 1,000 keep two decimals.
  if (unit === '') return value.toFixed(Number.isInteger(value) ? 0 : Math.abs(value) < 10 ? 2 : 1);
  return `${value.toFixed(unit === 'µs' ? 0 : 2)} ${unit}`;
}

/** The ratios and figures with a target (those with `op`; docs/performance.md), then a few for context. */
function figures({ contenders: c, memory }) {
  const rps = (name, phase) => c[name]?.[phase]?.rps;
  const vs = (a, b, phase) => ratio(rps(a, phase), rps(b, phase));
  const count401 = (name) => `${c[name]?.accessLog.unauthorized} in ${c[name]?.accessLog.ok}`;
  return [
    {
      key: 'pluginVsHandWritten',
      label: 'plugin pre-emptive / hand-written, sequential req/s',
      value: vs('plugin-pre', 'hand', 'sequential'),
      unit: 'x',
      op: '>=',
      target: 1,
    },
    {
      key: 'pluginVsRequestsKerberos',
      label: 'plugin pre-emptive / requests-kerberos, sequential req/s',
      value: vs('plugin-pre', 'requests-krb', 'sequential'),
      unit: 'x',
      op: '>=',
      target: 1.5,
    },
    {
      key: 'plugin16VsCurl16',
      label: 'plugin pre-emptive / curl --parallel-max 16, 16 in flight',
      value: vs('plugin-pre', 'curl', 'inFlight16'),
      unit: 'x',
      op: '>=',
      target: 1,
    },
    {
      key: 'adaptive401sPer1000',
      label: `401s per 1,000 requests, plugin with no hosts (${count401('plugin-react')})`,
      value: c['plugin-react']?.unauthorizedPer1000,
      unit: '',
      op: '<=',
      target: 1,
    },
    {
      key: 'heapGrowthMiB',
      label: `heap growth over ${memory?.requests ?? 'n/a'} plugin requests`,
      value: memory?.heapGrowthMiB,
      unit: 'MiB',
      op: '<',
      target: 2,
    },
    {
      key: 'fdGrowth',
      label: `open file descriptors, same run (${memory?.before.openFds} before, ${memory?.after.openFds} after)`,
      value: memory?.fdGrowth,
      unit: '',
      op: '<=',
      target: 0,
    },
    {
      key: 'eventLoopP99Ms',
      label: 'event-loop delay p99, plugin pre-emptive, 64 in flight',
      value: c['plugin-pre']?.eventLoopP99Ms,
      unit: 'ms',
      op: '<',
      target: 5,
    },
    {
      key: 'adaptiveEventLoopP99Ms',
      label: 'event-loop delay p99, plugin adaptive, 64 in flight',
      value: c['plugin-react']?.eventLoopP99Ms,
      unit: 'ms',
      op: '<',
      target: 5,
    },
    {
      key: 'requestsKerberos401sPer1000',
      label: `401s per 1,000 requests, requests-kerberos (${count401('requests-krb')})`,
      value: c['requests-krb']?.unauthorizedPer1000,
      unit: '',
    },
    {
      key: 'serverTimeAuthenticatedUs',
      label: `Apache's own time per plugin request, p50 (/public/: ${c.plain?.accessLog.serverP50Us} µs)`,
      value: c['plugin-pre']?.accessLog.serverP50Us,
      unit: 'µs',
    },
    {
      key: 'rssGrowthMiB',
      label: 'RSS growth over the same run as the heap',
      value: memory?.rssGrowthMiB,
      unit: 'MiB',
    },
    {
      key: 'pluginVsCeiling',
      label: 'plugin pre-emptive / plain axios ceiling, sequential',
      value: vs('plugin-pre', 'plain', 'sequential'),
      unit: 'x',
    },
    {
      key: 'adaptiveVsHandWritten',
      label: 'plugin adaptive / hand-written, sequential',
      value: vs('plugin-react', 'hand', 'sequential'),
      unit: 'x',
    },
    {
      key: 'plugin16VsHandWritten16',
      label: 'plugin pre-emptive / hand-written, 16 in flight',
      value: vs('plugin-pre', 'hand', 'inFlight16'),
      unit: 'x',
    },
    {
      key: 'plugin64VsHandWritten64',
      label: 'plugin pre-emptive / hand-written, 64 in flight',
      value: vs('plugin-pre', 'hand', 'inFlight64'),
      unit: 'x',
    },
  ];
}

/** Every figure with its target and verdict, keyed for the JSON results. */
export function ratios(results) {
  return Object.fromEntries(
    figures(results).map(({ key, label, value, unit, op, target }) => [
      key,
      {
        label,
        value: Number.isFinite(value) ? value : null,
        unit,
        target: op === undefined ? null : `${op} ${formatValue(target, unit)}`,
        verdict: op === undefined ? 'context' : verdict(value, op, target, unit),
      },
    ]),
  );
}

function pad(text, width, align) {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

/** Aligned plain-text columns. */
export function textTable(header, rows, aligns) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => pad(cell, widths[i], aligns[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A Markdown table; `prettier --write` aligns it afterwards. */
export function markdownTable(header, rows, aligns) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(aligns.map((a) => (a === 'right' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function ratioCells(rows) {
  return Object.values(rows).map((r) => [r.label, formatValue(r.value ?? NaN, r.unit), r.target ?? '', r.verdict]);
}

/** The whole report, as `text` or `markdown`. */
export function render(results, format) {
  const table = format === 'markdown' ? markdownTable : textTable;
  const parts = [
    table(
      COLUMNS.map((c) => c.title),
      tableRows(results.contenders),
      COLUMNS.map((c) => c.align),
    ),
    '',
    table(['ratio or figure', 'value', 'target', 'verdict'], ratioCells(results.ratios), [
      'left',
      'right',
      'left',
      'left',
    ]),
  ];
  return parts.join('\n');
}
