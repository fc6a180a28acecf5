import { AxiosHeaders, type AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { ORIGIN, PROXY } from './party';
import { stateOf } from './state';

/** What a spent token is replaced with in responses and errors that reach the caller. */
export const REDACTED = 'Negotiate [redacted]';

/**
 * Replaces the tokens of ours in `config.headers` by `Negotiate [redacted]`. They are spent
 * once a response came, but one could still be replayed to another server that shares the
 * service key, within the clock-skew window, and `config` is what `toJSON()` and loggers
 * print. The negotiation stays on the config, so a retry interceptor that re-sends it gets a
 * fresh token from our request interceptor. Returns whether the config carried one.
 */
export function redactConfig(config: InternalAxiosRequestConfig | undefined): boolean {
  const state = stateOf(config);
  if (config === undefined || state === undefined) return false;
  let ours = false;
  for (const party of [ORIGIN, PROXY]) {
    if (state.negotiation(party) === undefined) continue;
    ours = true;
    const headers = config.headers instanceof AxiosHeaders ? config.headers : undefined;
    if (headers?.has(party.authorizationHeader) === true) headers.set(party.authorizationHeader, REDACTED);
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
 * An axios error (a 500, a timeout, an abort, a network failure) of a request that carried
 * our token holds it three times: in `config.headers`, and in the raw request on
 * `error.request` and `error.response.request`. All three are redacted or hidden.
 */
export function redactAxiosError(error: AxiosError): void {
  if (!redactConfig(error.config)) return;
  hide(error, 'request');
  if (error.response !== undefined) redactResponse(error.response);
}

function hide(target: object, key: string): void {
  const value: unknown = (target as Record<string, unknown>)[key];
  if (value !== undefined)
    Object.defineProperty(target, key, { value, enumerable: false, configurable: true, writable: true });
}
