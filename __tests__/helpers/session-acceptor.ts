import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { decodeToken, encodeToken } from './fake-gss';
import { negotiateToken, type RecordedRequest } from './server';

export interface SessionAcceptorOptions {
  /** The session cookie's name. */
  cookie?: string;
  /** Extra attributes of the Set-Cookie header (`Path=/; HttpOnly`). */
  attributes?: string;
  /** Serve a request that carries a valid cookie from it, ignoring a token next to it (Hadoop, Java servers). */
  cookieWins?: boolean;
  /** Send the final mutual-authentication token on a token-authenticated success. */
  mutualToken?: boolean;
}

/**
 * A server that works like Hadoop's AuthenticationFilter on top of the fake GSS: a valid
 * client token gets 200, the final server token and a new session cookie; a valid session
 * cookie alone gets 200 without any token; anything else a 401 Negotiate. `expire()` ends
 * every session. Counts tokens and 401s.
 */
export function sessionAcceptor(options: SessionAcceptorOptions = {}) {
  const name = options.cookie ?? 'hadoop.auth';
  const sessions = new Set<string>();
  const stats = { tokens: 0, challenges: 0, onSession: 0 };
  const sessionOf = (request: RecordedRequest): string | undefined => {
    const header = request.headers.cookie ?? '';
    for (const part of header.split(/;\s*/)) {
      const [key, value] = part.split('=');
      if (key === name && value !== undefined && sessions.has(value)) return value;
    }
    return undefined;
  };
  const handler = (request: RecordedRequest, response: ServerResponse): void => {
    const value = negotiateToken(request);
    if (sessionOf(request) !== undefined && (value === undefined || options.cookieWins === true)) {
      stats.onSession++;
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ user: 'alice@FAKE', via: 'session' }));
      return;
    }
    const token = value === undefined ? undefined : decodeToken(value);
    if (token === undefined) {
      stats.challenges++;
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('unauthorized');
      return;
    }
    stats.tokens++;
    const id = randomBytes(12).toString('hex');
    sessions.add(id);
    const headers: Record<string, string | string[]> = {
      'Content-Type': 'application/json',
      'Set-Cookie': `${name}=${id}; ${options.attributes ?? 'Path=/; HttpOnly'}`,
    };
    if (options.mutualToken !== false) {
      headers['WWW-Authenticate'] = `Negotiate ${encodeToken({ kind: 'final', id: token.id, spn: token.spn })}`;
    }
    response.writeHead(200, headers).end(JSON.stringify({ user: 'alice@FAKE', via: 'token' }));
  };
  return { handler, stats, sessions, expire: () => sessions.clear() };
}
