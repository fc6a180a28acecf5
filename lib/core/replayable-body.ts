/**
 * A body that cannot be sent a second time: a Node stream (including the `form-data`
 * package) or a WHATWG ReadableStream. Buffers, strings, URLSearchParams, Blobs and
 * spec FormData can be re-sent as they are.
 */
export function isReplayable(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return true;
  if (typeof (data as { pipe?: unknown }).pipe === 'function') return false;
  return !(typeof ReadableStream !== 'undefined' && data instanceof ReadableStream);
}
