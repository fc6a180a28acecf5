import { debug } from '../util/debug';
import type { GssProvider } from '../gss/provider';
import { mintToken, type MintedToken, type TokenSource } from './negotiation';
import type { RequestPlan } from './plan';

interface Entry {
  /** The spare, or the error minting it ended with. */
  readonly minted: Promise<MintedToken | Error>;
  /** `performance.now()` when minting started. */
  readonly startedAt: number;
}

/**
 * Mints the next token for a pre-emptive host while the current request is on the wire,
 * so the following request finds one ready instead of waiting for GSS (hand-written code
 * mints on the critical path). At most one spare token per SPN and flag set, used once,
 * and never after `ttlMs`: a token must reach the server within the clock-skew window
 * (5 minutes by default, seconds in some test realms), and a spare must not outlive a
 * `kinit` by much. One timer per pool drops the spares nobody took (a timer per spare cost
 * a setTimeout and a clearTimeout per request).
 */
export class TokenPool implements TokenSource {
  /** In the order the spares were started, so the oldest come first. */
  readonly #entries = new Map<string, Entry>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly gss: GssProvider,
    private readonly ttlMs = 2000,
    private readonly maxKeys = 32,
  ) {}

  /** The spare for this plan's SPN and flags, if one is ready and fresh; it is never handed out twice. */
  async take(plan: RequestPlan): Promise<MintedToken | undefined> {
    const key = keyOf(plan);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    const minted = await entry.minted;
    // The spare failed for this very plan, minutes-old credentials aside: minting again would
    // make the caller wait a second time for the same answer (a silent KDC: two timeouts).
    if (minted instanceof Error) throw minted;
    const fresh = performance.now() - minted.mintedAt < this.ttlMs;
    if (debug.enabled) debug('%s the spare token for %s', fresh ? 'using' : 'dropping (too old)', plan.spn);
    return fresh ? minted : undefined;
  }

  /**
   * Starts minting the spare for the next request like `plan`. Called once the current
   * request has its token, so the spare never competes with it for a GSS slot.
   */
  refill(plan: RequestPlan): void {
    const key = keyOf(plan);
    if (!this.#entries.has(key)) this.#refill(key, plan);
  }

  #refill(key: string, plan: RequestPlan): void {
    // A failure is kept for the request that takes the spare; one that nobody takes is
    // dropped with the entry, never an unhandled rejection.
    const minted = mintToken(this.gss, plan, true).catch((error: unknown) =>
      error instanceof Error ? error : new Error(String(error)),
    );
    this.#entries.set(key, { minted, startedAt: performance.now() });
    if (this.#entries.size > this.maxKeys) this.#entries.delete(this.#entries.keys().next().value as string);
    if (this.#sweep === undefined) this.#sweepIn(this.ttlMs);
  }

  #sweepIn(ms: number): void {
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined;
      const now = performance.now();
      for (const [key, entry] of this.#entries) {
        const left = entry.startedAt + this.ttlMs - now;
        if (left <= 0) this.#entries.delete(key);
        else return this.#sweepIn(left); // the rest are younger
      }
    }, ms);
    this.#sweep.unref();
  }
}

function keyOf(plan: RequestPlan): string {
  return `${plan.spn}\n${plan.mechanism}\n${plan.mutual !== 'disabled'}\n${plan.delegate}\n${plan.principal ?? ''}`;
}
