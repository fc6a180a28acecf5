import type { AxiosResponse } from 'axios';
import { redactHeader } from './redact';

interface NodeResponse {
  httpVersion?: string;
  rawHeaders?: string[];
}

/**
 * The status line and headers as the server sent them (names in their original case, in
 * order, repeated headers kept), like `curl -i`, with credential headers redacted. Falls
 * back to axios's parsed headers when the raw ones are not available (non-Node adapters).
 */
export function formatResponseHead(response: AxiosResponse): string {
  const raw = (response.request as { res?: NodeResponse } | undefined)?.res;
  const version = raw?.httpVersion ?? '1.1';
  const lines = [`HTTP/${version} ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`];
  for (const [name, value] of headerPairs(response, raw?.rawHeaders))
    lines.push(`${name}: ${redactHeader(name, value)}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

function headerPairs(response: AxiosResponse, rawHeaders: string[] | undefined): [string, string][] {
  if (rawHeaders !== undefined) {
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2)
      pairs.push([rawHeaders[i] as string, rawHeaders[i + 1] as string]);
    return pairs;
  }
  return Object.entries(response.headers as Record<string, unknown>).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((item): [string, string] => [name, String(item)]),
  );
}
