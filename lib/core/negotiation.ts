import { classifyGssError, rejectedFix } from '../errors/classify';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { messageOf } from '../errors/message';
import { debug } from '../util/debug';
import type { GssContext, GssContextOptions, GssProvider } from '../gss/provider';
import { explainServerError, krbErrorName } from '../gss/krb-error';
import { learnSpnegoCause } from '../gss/spnego-cause';
import type { MutualMode } from '../options';
import { refuseNtlm } from './ntlm';
import type { RequestPlan } from './plan';

/**
 * One request's Kerberos exchange: one GSS context, created for this request only (a
 * context shared between requests is requests-kerberos's concurrency bug), stepped once
 * per server token, never reused after it completes, and never sending a token twice
 * (the server's replay cache would reject it).
 */
export class Negotiation {
  /** Tokens sent in answer to a 401 (the pre-emptive token is not counted). */
  rounds = 0;
  /** Length of the last token this exchange sent, for ERR_KERBEROS_TOKEN_TOO_LARGE. */
  sentTokenChars = 0;
  #finished = false;

  private constructor(
    readonly plan: RequestPlan,
    private readonly context: GssContext,
  ) {}

  get spn(): string {
    return this.plan.spn;
  }

  get host(): string {
    return this.plan.host;
  }

  get mutual(): MutualMode {
    return this.plan.mutual;
  }

  get complete(): boolean {
    return this.context.complete;
  }

  /** Creates the context and its first token, or takes a fresh pre-minted pair from `pool`. */
  static async start(
    gss: GssProvider,
    plan: RequestPlan,
    pool?: TokenSource,
  ): Promise<{ negotiation: Negotiation; token: string }> {
    const minted = (await pool?.take(plan)) ?? (await mintToken(gss, plan));
    pool?.refill(plan);
    const negotiation = new Negotiation(plan, minted.context);
    negotiation.sentTokenChars = minted.token.length;
    return { negotiation, token: minted.token };
  }

  /**
   * Steps the context with a server token (a 401 continuation, RFC 4559 section 5).
   * Returns the next token to send, or throws ERR_KERBEROS_REJECTED when the context
   * cannot continue: it is complete, the token does not step, or no token comes out.
   */
  async continueWith(serverToken: string): Promise<string> {
    if (this.#finished || this.complete) {
      throw this.rejected('the server asked for another round after the handshake had completed');
    }
    let token: string | null;
    try {
      token = await this.context.step(serverToken);
    } catch (error) {
      // The server's token may be a KRB-ERROR that names the real cause (clock skew, expired
      // ticket): say that. Anything else means the server does not take our ticket.
      const classified = this.classifyServerError(error, serverToken);
      if (classified.code !== 'ERR_KERBEROS_GSS') throw classified;
      const krbError = krbErrorName(serverToken);
      throw this.rejected(
        krbError === undefined
          ? 'its Negotiate token could not be processed (the ticket is not for this server?)'
          : `it answered with ${krbError}`,
        error,
      );
    }
    if (token === null) throw this.rejected('the handshake produced nothing more to send');
    refuseNtlm(token, this.plan);
    this.sentTokenChars = token.length;
    return token;
  }

  /**
   * Verifies the server's final token (mutual authentication, RFC 4559 section 5):
   * stepping it must succeed and leave the context complete. Single use.
   * Returns an error message when verification fails, or undefined when it holds.
   */
  async verify(serverToken: string): Promise<string | undefined> {
    if (this.#finished) return 'the handshake had already been verified once';
    this.#finished = true;
    if (this.complete) return 'the context was already complete, so the server token cannot be checked';
    try {
      await this.context.step(serverToken);
    } catch (error) {
      // A cause GSS can name (an expired ticket, clock skew) is said as such; the response is
      // withheld either way, since the caller never sees it.
      const classified = this.classifyServerError(error, serverToken);
      if (classified.code !== 'ERR_KERBEROS_GSS') throw classified;
      return `the server's token did not verify (${messageOf(error)})`;
    }
    return this.complete ? undefined : "the server's token did not complete the handshake";
  }

  /** True once the server's final token was checked, or the exchange ended without one. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Marks the exchange finished without a server token (mutual 'optional' or 'disabled'). */
  finish(): void {
    this.#finished = true;
  }

  /**
   * Classifies a failure to step the server's token. When GSS's words name no cause (Heimdal's
   * SPNEGO), the KRB-ERROR the server sent, if any, is read from the token itself.
   */
  private classifyServerError(error: unknown, serverToken: string): KerberosAuthError {
    const classified = classifyGssError(error, this.spn, this.host, 'server');
    if (classified.code !== 'ERR_KERBEROS_GSS') return classified;
    return classifyGssError(explainServerError(error, serverToken), this.spn, this.host, 'server');
  }

  rejected(why: string, cause?: unknown): KerberosAuthError {
    return new KerberosAuthError(
      'ERR_KERBEROS_REJECTED',
      `${this.host} rejected Kerberos authentication for SPN ${this.spn}: ${why}.`,
      { cause, spn: this.spn, host: this.host, fix: rejectedFix(this.plan.mechanism) },
    );
  }
}

/** A context and its first token, not yet bound to a request. */
export interface MintedToken {
  readonly context: GssContext;
  readonly token: string;
  /** `performance.now()` when it was minted: the token must reach the server within the clock-skew window. */
  readonly mintedAt: number;
}

/** Where pre-minted tokens come from (see TokenPool); `undefined` means mint one now. */
export interface TokenSource {
  take(plan: RequestPlan): Promise<MintedToken | undefined>;
  /** Prepares a token for the next request like `plan`. */
  refill(plan: RequestPlan): void;
}

/**
 * Creates a context for `plan` and steps it once. Throws classified KerberosAuthErrors; when
 * SPNEGO hides the cause, raw Kerberos is asked once what it is (see learnSpnegoCause).
 * `spare` only changes the log line: a prefetched token is for a request not yet made.
 */
export async function mintToken(gss: GssProvider, plan: RequestPlan, spare = false): Promise<MintedToken> {
  const started = performance.now();
  const options: GssContextOptions = {
    principal: plan.principal,
    delegate: plan.delegate,
    mutual: plan.mutual !== 'disabled',
    mechanism: plan.mechanism,
  };
  try {
    const context = await gss.createContext(plan.spn, options);
    const token = await context.step('');
    if (token === null) throw new Error('GSS produced no initial token');
    refuseNtlm(token, plan);
    if (debug.enabled) {
      debug(
        '%s for %s minted in %s ms (delegate: %s)',
        spare ? 'spare token (prefetch, for the next request)' : 'token',
        plan.spn,
        (performance.now() - started).toFixed(2),
        plan.delegate,
      );
    }
    return { context, token, mintedAt: started };
  } catch (error) {
    const classified = classifyGssError(await learnSpnegoCause(gss, plan.spn, options, error), plan.spn, plan.host);
    debug('no %s for %s: %s', spare ? 'spare token' : 'token', plan.spn, classified.code);
    throw classified;
  }
}
