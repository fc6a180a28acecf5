import type { AxiosError, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { headersOf } from './config';
import { ORIGIN, PROXY } from './party';
import { stateOf } from './state';

/** What a spent token is replaced with in responses and errors that reach the caller. */
const REDACTED = 'Negotiate [redacted]';
/** What session cookies (ours in `Cookie`, the server's in `Set-Cookie`) are replaced with. */
const REDACTED_COOKIE = '[redacted]';

/**
 * Replaces the tokens of ours in `config.headers` by `Negotiate [redacted]`. They are spent
 * once a response came, but one could still be replayed to another server that shares the
 * service key, within the clock-skew window, and `config` is what `toJSON()` and loggers
 * print. The negotiation stays on the config, so a retry interceptor that re-sends it gets a
 * fresh token from our request interceptor. The `Cookie` header of a session the request went
 * out on is replaced too: a session cookie is a bearer credential for as long as the session
 * lasts, worth more to whoever reads a log than a spent token. Returns whether the config
 * carried a credential of ours (a token, or a session: ours or the caller's jar's).
 */
export function redactConfig(config: InternalAxiosRequestConfig | undefined): boolean {
  const state = stateOf(config);
  if (config === undefined || state === undefined) return false;
  // By shape: headers of another axios copy (its ES module build) are no instance of ours.
  const headers = headersOf(config);
  let ours = false;
  for (const party of [ORIGIN, PROXY]) {
    if (state.negotiation(party) === undefined) continue;
    ours = true;
    if (headers?.has(party.authorizationHeader) === true) headers.set(party.authorizationHeader, REDACTED);
  }
  if (state.session !== undefined) {
    ours = true;
    if (state.session.via === 'store' && headers?.has('Cookie') === true) headers.set('Cookie', REDACTED_COOKIE);
  }
  return ours;
}

/**
 * A response to a request that carried our token: the config is redacted, and the raw Node
 * request on `response.request` (whose `_header` holds the token as sent; Node's, left
 * alone) is made non-enumerable: still there for code that reads it, invisible to
 * `util.inspect` and `JSON.stringify`.
 */
export function redactResponse(response: AxiosResponse): void {
  if (redactConfig(response.config)) hide(response, 'request');
}

/**
 * A response that reaches the caller inside an error: redacted as a settled response, and
 * the cookies it sets (`Set-Cookie`) are replaced too, since an error is what gets logged.
 * A successful response keeps its `Set-Cookie`: the caller reads it as the server sent it.
 */
export function redactErrorResponse(response: AxiosResponse): void {
  if (!redactConfig(response.config)) return;
  hide(response, 'request');
  const setCookie: unknown = response.headers['set-cookie'];
  if (setCookie !== undefined) {
    response.headers['set-cookie'] = Array.isArray(setCookie)
      ? setCookie.map(() => REDACTED_COOKIE)
      : [REDACTED_COOKIE];
  }
}

/**
 * An axios error (a 500, a timeout, an abort, a network failure) of a request that carried
 * our token holds it three times: in `config.headers`, and in the raw request on
 * `error.request` and `error.response.request`. All three are redacted or hidden, and so are
 * the cookies of a session, both ways.
 */
export function redactAxiosError(error: AxiosError): void {
  if (!redactConfig(error.config)) return;
  hide(error, 'request');
  if (error.response !== undefined) redactErrorResponse(error.response);
}

function hide(target: object, key: string): void {
  const value: unknown = (target as Record<string, unknown>)[key];
  if (value !== undefined)
    Object.defineProperty(target, key, { value, enumerable: false, configurable: true, writable: true });
}
