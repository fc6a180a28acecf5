import type { ServerResponse } from 'node:http';
import { decodeToken, encodeToken } from './fake-gss';
import { negotiateToken, type RecordedRequest } from './server';

export interface AcceptorOptions {
  /** Extra 401 rounds before accepting (multi-round SPNEGO). */
  extraRounds?: number;
  /** Send the final mutual-authentication token on success. */
  mutualToken?: boolean;
  /** Override the final token (e.g. a forged one). */
  finalToken?: (id: number) => string;
  /** The WWW-Authenticate value of the first 401. */
  challenge?: string;
}

/**
 * A server-side counterpart of FakeGss: 401 `Negotiate` without a token, 200 with the
 * final token once the client's token is acceptable. Counts tokens it saw.
 */
export function fakeAcceptor(options: AcceptorOptions = {}) {
  const seen: string[] = [];
  const handler = (request: RecordedRequest, response: ServerResponse): void => {
    const value = negotiateToken(request);
    const token = value === undefined ? undefined : decodeToken(value);
    if (value === undefined || token === undefined) {
      response.writeHead(401, { 'WWW-Authenticate': options.challenge ?? 'Negotiate' }).end('unauthorized');
      return;
    }
    seen.push(value);
    const rounds = seen.filter((t) => decodeToken(t)?.id === token.id).length - 1;
    if (rounds < (options.extraRounds ?? 0)) {
      response.writeHead(401, {
        'WWW-Authenticate': `Negotiate ${encodeToken({ kind: 'more', id: token.id, spn: token.spn })}`,
      });
      response.end('more');
      return;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (options.mutualToken !== false) {
      headers['WWW-Authenticate'] =
        `Negotiate ${options.finalToken?.(token.id) ?? encodeToken({ kind: 'final', id: token.id, spn: token.spn })}`;
    }
    response.writeHead(200, headers).end(
      JSON.stringify({
        user: 'alice@FAKE',
        spn: token.spn,
        delegate: token.delegate === true,
        body: request.body.toString('base64'),
      }),
    );
  };
  return { handler, seen };
}
