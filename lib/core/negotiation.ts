import { classifyGssError, rejectedFix } from '../errors/classify';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { debug } from '../debug';
import type { GssContext, GssProvider } from '../gss/provider';
import type { MutualMode } from '../options';
import type { RequestPlan } from './plan';

// An NTLMSSP message starts with "NTLMSSP\0" (`TlRMTVNTUA` in base64), bare or wrapped in
// SPNEGO. NTLM's SPNEGO mechanism OID is 1.3.6.1.4.1.311.2.2.10; Kerberos's is 1.2.840.113554.1.2.2.
const NTLM_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
const NTLM_OID = Buffer.from('060a2b06010401823702020a', 'hex');
const KRB5_OID = Buffer.from('06092a864886f712010202', 'hex');

/**
 * True when a token would authenticate with NTLM rather than Kerberos: an NTLMSSP message,
 * or a SPNEGO offer that lists NTLM and not Kerberos.
 */
export function isNtlmToken(token: string): boolean {
  if (token.startsWith('TlRMTVNTUA')) return true;
  const bytes = Buffer.from(token, 'base64');
  if (bytes.includes(NTLM_SIGNATURE)) return true;
  return bytes.includes(NTLM_OID) && !bytes.includes(KRB5_OID);
}

/**
 * One request's Kerberos exchange: one GSS context, created for this request only (a
 * context shared between requests is requests-kerberos's concurrency bug), stepped once
 * per server token, never reused after it completes, and never sending a token twice
 * (the server's replay cache would reject it).
 */
export class Negotiation {
  /** Tokens sent in answer to a 401 (the pre-emptive token is not counted). */
  rounds = 0;
  #finished = false;
  #awaitingSend = false;
  #pendingRedirect: { url: URL; header: string } | undefined;

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
    return { negotiation: new Negotiation(plan, minted.context), token: minted.token };
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
      const classified = classifyGssError(error, this.spn, this.host, 'server');
      if (classified.code !== 'ERR_KERBEROS_GSS') throw classified;
      throw this.rejected('its Negotiate token could not be processed (the ticket is not for this server?)', error);
    }
    if (token === null) throw this.rejected('the handshake produced nothing more to send');
    return refuseNtlm(token, this.plan);
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
      const classified = classifyGssError(error, this.spn, this.host, 'server');
      if (classified.code !== 'ERR_KERBEROS_GSS') throw classified;
      return `the server's token did not verify (${error instanceof Error ? error.message : String(error)})`;
    }
    return this.complete ? undefined : "the server's token did not complete the handshake";
  }

  /** True once the server's final token was checked, or the exchange ended without one. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Marks that a re-send carrying this negotiation's newest token is about to go out. */
  prepareSend(): void {
    this.#awaitingSend = true;
  }

  /**
   * True once after `prepareSend()`: the request interceptor lets exactly that re-send pass
   * with its token. Any later pass of a config carrying this negotiation is someone else's
   * retry (axios-retry, a caller re-using the config) of a request whose token is spent.
   */
  claimSend(): boolean {
    const claimed = this.#awaitingSend;
    this.#awaitingSend = false;
    return claimed;
  }

  /**
   * Holds an Authorization value until a redirect hop goes to `url`: the re-sent request
   * starts at the original URL, and the token is only for the URL that challenged.
   */
  holdForRedirect(url: URL, header: string): void {
    this.#pendingRedirect = { url, header };
  }

  /** The held Authorization value, once, if `url` is the resource it was minted for. */
  takePendingRedirect(url: URL | undefined): string | undefined {
    const pending = this.#pendingRedirect;
    if (pending === undefined || url === undefined || !sameResource(pending.url, url)) return undefined;
    this.#pendingRedirect = undefined;
    return pending.header;
  }

  /** True when `url` is the resource this negotiation's token went to. */
  isFor(url: URL): boolean {
    return sameResource(this.plan.url, url);
  }

  /** Marks the exchange finished without a server token (mutual 'optional' or 'disabled'). */
  finish(): void {
    this.#finished = true;
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

/** Creates a context for `plan` and steps it once. Throws classified KerberosAuthErrors. */
export async function mintToken(gss: GssProvider, plan: RequestPlan): Promise<MintedToken> {
  const started = performance.now();
  try {
    const context = await gss.createContext(plan.spn, {
      principal: plan.principal,
      delegate: plan.delegate,
      mutual: plan.mutual !== 'disabled',
      mechanism: plan.mechanism,
    });
    const token = await context.step('');
    if (token === null) throw new Error('GSS produced no initial token');
    refuseNtlm(token, plan);
    if (debug.enabled) {
      debug(
        'token for %s minted in %s ms (delegate: %s)',
        plan.spn,
        (performance.now() - started).toFixed(2),
        plan.delegate,
      );
    }
    return { context, token, mintedAt: started };
  } catch (error) {
    const classified = classifyGssError(error, plan.spn, plan.host);
    debug('no token for %s: %s', plan.spn, classified.code);
    throw classified;
  }
}

/** SPNEGO may fall back to NTLM on some systems; an NTLM token is never sent. */
function refuseNtlm(token: string, plan: RequestPlan): string {
  if (!plan.allowNtlm && isNtlmToken(token)) {
    throw new KerberosAuthError(
      'ERR_KERBEROS_NTLM_REFUSED',
      `GSS offered an NTLM token instead of Kerberos for ${plan.host} (SPN ${plan.spn}); it was not sent.`,
      {
        spn: plan.spn,
        host: plan.host,
        fix: 'get a Kerberos ticket (`kinit`) and make sure the SPN exists, so SPNEGO does not fall back to NTLM',
      },
    );
  }
  return token;
}

/**
 * Same origin and path: the token went to exactly this resource. Query strings are left out
 * (axios's `params` are not part of the planned URL), so are fragments. A redirect from
 * `/app` to `/app/` is another resource: its challenge is a new one, not a refusal.
 */
export function sameResource(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname;
}
