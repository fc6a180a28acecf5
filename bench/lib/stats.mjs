// Small statistics helpers. Latencies are kept as plain arrays of milliseconds: at most a few
// tens of thousands per contender, so sorting them once at the end is cheap and exact.

/** The q-th quantile (0..1) of an already sorted array, nearest-rank method. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** The median of an unsorted list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Throughput and latency percentiles of one contender in one phase, over all its batches. */
export function summarize(record) {
  const sorted = Float64Array.from(record.latenciesMs).sort();
  return {
    requests: record.requests,
    errors: record.errors,
    seconds: record.seconds,
    rps: record.seconds > 0 ? record.requests / record.seconds : NaN,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    // The client's own CPU: Node's process, Python's request loop, curl's whole process.
    cpuUsPerRequest: record.cpuMicros === undefined ? null : record.cpuMicros / record.requests,
  };
}

/** An empty accumulator for `addBatch`. */
export function newRecord() {
  return { requests: 0, errors: 0, seconds: 0, latenciesMs: [], firstError: undefined, cpuMicros: undefined };
}

/** Adds one batch (wall seconds, per-request latencies, error count) to an accumulator. */
export function addBatch(record, batch) {
  record.requests += batch.latenciesMs.length;
  record.errors += batch.errors;
  record.seconds += batch.seconds;
  for (const ms of batch.latenciesMs) record.latenciesMs.push(ms);
  record.firstError ??= batch.firstError;
  if (batch.cpuMicros !== undefined) record.cpuMicros = (record.cpuMicros ?? 0) + batch.cpuMicros;
}

/** Nanoseconds from a monotonic clock, as a Number (precise enough for run lengths of hours). */
export function nowNs() {
  return Number(process.hrtime.bigint());
}
