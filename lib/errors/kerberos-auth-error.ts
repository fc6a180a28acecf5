import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { KerberosErrorCode } from './codes';

/** What an error knows about the request it belongs to. Every field is optional. */
export interface KerberosAuthErrorDetails {
  /** The original error: a GSS failure from the native binding, an axios error, … */
  cause?: unknown;
  /** The service principal name the token was (or would have been) minted for. */
  spn?: string;
  /** The host the request went to. */
  host?: string;
  /** The axios request config. Non-enumerable: it may hold an `Authorization` header. */
  config?: InternalAxiosRequestConfig;
  /** The axios response, when there was one. Non-enumerable, like `config`. */
  response?: AxiosResponse;
  /**
   * What to do about it, as one clause without a final stop. The message ends with
   * `Fix: <fix>.`; the field is there so a CLI or a log can show it without parsing.
   */
  fix?: string;
}

/** The names of this library's error classes. */
export type KerberosAuthErrorName = 'KerberosAuthError' | 'MutualAuthenticationError';

// A brand that survives two copies of this package in one process (ESM + CJS, or
// two versions in node_modules), where the prototype chain alone would say no. Same idea
// as undici's `Symbol.for('undici.error.UND_ERR')`, which `instanceof` checks too.
const BRAND = Symbol.for('axios-kerberos.error');

function branded(value: unknown): value is KerberosAuthError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The base class of every error this library throws. `code` is stable and documented
 * in `docs/errors.md`; the message names the host or SPN and says how to fix it.
 *
 * The request config and response are attached as non-enumerable properties so that
 * logging or `JSON.stringify`-ing an error never prints a Negotiate token.
 */
export class KerberosAuthError extends Error {
  override name: KerberosAuthErrorName = 'KerberosAuthError';
  readonly code: KerberosErrorCode;
  /** What to do about it (the message's `Fix:` part, without the final stop), when known. */
  readonly fix: string | undefined;
  readonly spn: string | undefined;
  readonly host: string | undefined;
  /** The request's axios config (non-enumerable), when the error belongs to a request. */
  declare readonly config: InternalAxiosRequestConfig | undefined;
  /** The response that led to the error (non-enumerable); never set for a failed mutual authentication. */
  declare readonly response: AxiosResponse | undefined;

  /**
   * `message` says what went wrong (and ends with a stop); `details.fix`, when given, is
   * appended as `Fix: <fix>.`.
   */
  constructor(code: KerberosErrorCode, message: string, details: KerberosAuthErrorDetails = {}) {
    super(
      details.fix === undefined ? message : `${message} Fix: ${details.fix}.`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.fix = details.fix;
    this.spn = details.spn;
    this.host = details.host;
    hide(this, 'config', details.config);
    hide(this, 'response', details.response);
    hide(this, BRAND, true);
  }

  /**
   * `error instanceof KerberosAuthError` holds for errors of another copy of this package
   * too (checked by the brand); subclasses keep the prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === KerberosAuthError) return branded(value);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /**
   * Attaches the request config and, when given, the response, both non-enumerable, unless
   * already set. Returns the error itself. @internal
   */
  withContext(config: InternalAxiosRequestConfig, response?: AxiosResponse): this {
    if (this.config === undefined) hide(this, 'config', config);
    if (this.response === undefined && response !== undefined) hide(this, 'response', response);
    return this;
  }
}

function hide(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: false, configurable: true });
}

/**
 * True for any error thrown by axios-kerberos, also across duplicate copies of the
 * package, where `instanceof` would fail.
 */
export function isKerberosAuthError(value: unknown): value is KerberosAuthError {
  return branded(value);
}
