import { accessLogSince } from './realm';

/**
 * Access-log lines after `from` whose line contains `marker`, once at least `count` of them
 * are there. Apache writes a line after it has sent the response, so a test that reads the
 * log right after its response can miss the last line; this polls (bounded) instead.
 * `quietMs` then waits a little longer, so that an unexpected extra line shows up too.
 */
export async function accessLogLines(
  from: number,
  marker: string,
  count: number,
  { timeoutMs = 5000, quietMs = 150 } = {},
): Promise<{ status: number; negotiate: boolean; line: string }[]> {
  const read = () => accessLogSince(from).filter((entry) => entry.line.includes(marker));
  const deadline = Date.now() + timeoutMs;
  while (read().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  return read();
}
