import type { AxiosError } from 'axios';
import { negotiationOf } from './config';
import { ORIGIN, PROXY } from './party';
import { headersOf, sentOnSession } from './session';

/** What a spent token is replaced with in errors that reach the caller. */
export const REDACTED = 'Negotiate [redacted]';
/** What session cookies (ours in `Cookie`, the server's in `Set-Cookie`) are replaced with. */
export const REDACTED_COOKIE = '[redacted]';

/**
 * An axios error (a 500, a timeout, an abort, a network failure) of a request that carried
 * our token holds it three times: in `config.headers` (which `toJSON()` and loggers print),
 * and in the raw request on `error.request` and `error.response.request`. The token is spent
 * by then, but it still must not reach a log. The header is replaced (the negotiation stays
 * on the config, so a retry interceptor that re-sends the config gets a fresh token from our
 * request interceptor), and the raw requests are made non-enumerable: still there for code
 * that reads them, invisible to `util.inspect` and `JSON.stringify`. Session cookies are
 * treated the same way: ours in `Cookie`, and any `Set-Cookie` on the error's response.
 */
export function redactAxiosError(error: AxiosError): void {
  const config = error.config;
  if (config === undefined) return;
  let ours = false;
  for (const party of [ORIGIN, PROXY]) {
    if (negotiationOf(config, party) === undefined) continue;
    ours = true;
    const headers = headersOf(config);
    if (headers?.has(party.authorizationHeader) === true) headers.set(party.authorizationHeader, REDACTED);
  }
  // A session cookie is a bearer credential for as long as the session lasts: worth more to
  // whoever reads a log than a spent token.
  const session = sentOnSession(config);
  if (session !== undefined) {
    ours = true;
    if (session === 'store') headersOf(config)?.set('Cookie', REDACTED_COOKIE);
  }
  if (!ours) return;
  const setCookie = error.response?.headers['set-cookie'] as unknown;
  if (setCookie !== undefined && error.response !== undefined) {
    error.response.headers['set-cookie'] = Array.isArray(setCookie)
      ? setCookie.map(() => REDACTED_COOKIE)
      : [REDACTED_COOKIE];
  }
  hide(error, 'request');
  if (error.response !== undefined) hide(error.response, 'request');
}

function hide(target: object, key: string): void {
  const value: unknown = (target as Record<string, unknown>)[key];
  if (value !== undefined)
    Object.defineProperty(target, key, { value, enumerable: false, configurable: true, writable: true });
}
