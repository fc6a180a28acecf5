import { withTimeout } from '../core/timers';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import type { GssContext, GssContextOptions, GssProvider } from './provider';

/** Bounds on native GSS work; see `timeout` and `maxConcurrentGss` in the options. */
export interface GssLimits {
  /** Milliseconds one GSS call (queueing included) may take before ERR_KERBEROS_TIMEOUT. */
  timeout: number;
  /** GSS calls that may have to wait for a KDC allowed on libuv's thread pool at once. */
  maxConcurrent: number;
  /** Threads in libuv's pool; `threadPoolSize()` unless a test says otherwise. */
  threadPool?: number;
  /** The clock of the warm rule, `performance.now` unless a test brings its own (slots of their own). */
  now?: () => number;
}

/** A first step that came back within this many ms found its service ticket in the cache. */
export const WARM_MS = 250;
/** An SPN stays warm this long after a quick cold first step (its ticket could expire). */
export const WARM_FOR_MS = 30_000;
export const MAX_WARM = 256;

/**
 * Every `kerberos` call runs on libuv's thread pool (4 threads by default, shared with
 * `fs`, `dns.lookup` and zlib). A KDC that accepts connections and never answers holds
 * a pool thread for about 28 s inside MIT krb5 and 67 s inside Heimdal (their own per-KDC
 * timeouts), and nothing can cancel it. Only the first step of a context can talk to the
 * KDC (to get the service ticket), and only when the ticket is not cached yet, so:
 *
 * - a first step that may have to wait for a KDC ("cold") takes one of `maxConcurrent`
 *   slots, freed only when the native call really returns, and callers stop waiting after
 *   `timeout` ms: a dead KDC costs the process at most `maxConcurrent` pool threads;
 * - a cold first step for an SPN (and principal) that came back within `WARM_MS` found its
 *   ticket in the cache: for `WARM_FOR_MS` after it, first steps for that SPN compute
 *   locally ("warm") and may use the whole pool, as hand-written code does; then the next
 *   one is cold again and measured anew. With 2 slots for every first step, 16 and 64
 *   requests in flight on 2 cores came out behind 4 slots in six paired runs of six
 *   (docs/performance.md). A warm call reaches the KDC only when its ticket has gone from
 *   the cache since (expired, the cache replaced by `kinit` or refreshed from a client
 *   keytab, a cache that keeps no service tickets); if the KDC is dead at that moment, warm
 *   calls can hold up to the whole pool until the first of them times out. A timeout makes
 *   every SPN cold at once (a dead KDC serves the whole realm), and a caller that gave up
 *   while queued leaves the queue. A delegating call asks the KDC for a forwarded TGT every
 *   time and is never warm.
 */
export function limitGss(provider: GssProvider, limits: GssLimits): GssProvider {
  const pool = limits.threadPool ?? threadPoolSize();
  const slots =
    limits.now === undefined
      ? sharedSlots(limits.maxConcurrent, pool)
      : new Slots(Math.max(limits.maxConcurrent, pool), limits.maxConcurrent, limits.now);
  return {
    async createContext(spn: string, options: GssContextOptions): Promise<GssContext> {
      const context = await gssTimeout(provider.createContext(spn, options), limits.timeout, spn, 'setting up');
      // Delegation fetches a forwarded TGT from the KDC on every first step: never warm.
      const warmKey = options.delegate ? undefined : `${options.principal ?? ''}\n${spn}`;
      return new LimitedContext(context, spn, limits.timeout, slots, warmKey);
    },
  };
}

/** libuv's thread pool size: `UV_THREADPOOL_SIZE` (libuv reads it once, at first use), or 4. */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size >= 1 ? Math.min(size, 1024) : 4;
}

/** A context whose calls are bounded by `limitGss`. */
class LimitedContext implements GssContext {
  // Private fields: a request's config (which JSON.stringify and loggers print) reaches this
  // object through its state, and the native context behind it is nobody's business there.
  readonly #context: GssContext;
  readonly #spn: string;
  readonly #timeout: number;
  readonly #slots: Slots;
  readonly #warmKey: string | undefined;

  constructor(context: GssContext, spn: string, timeout: number, slots: Slots, warmKey: string | undefined) {
    this.#context = context;
    this.#spn = spn;
    this.#timeout = timeout;
    this.#slots = slots;
    this.#warmKey = warmKey;
  }

  get complete(): boolean {
    return this.#context.complete;
  }

  step(serverToken: string): Promise<string | null> {
    // Stepping a server token is a local computation and needs no slot, just the time bound.
    if (serverToken !== '') {
      return gssTimeout(this.#context.step(serverToken), this.#timeout, this.#spn, 'computing a token');
    }
    const slots = this.#slots;
    const key = this.#warmKey;
    // A caller that timed out while queued has given up: its call is dropped, not run
    // later, so a slow KDC cannot pile up abandoned work behind the slots.
    const ticket: Ticket = { abandoned: false };
    const cold = key === undefined || !slots.isWarm(key);
    // Only a cold call is timed: a quick one makes its SPN warm. Warm calls run as they are,
    // and the SPN turns cold again when its time is up (then a cold call measures it anew).
    const call =
      !cold || key === undefined
        ? () => this.#context.step('')
        : async () => {
            const started = slots.now();
            const token = await this.#context.step('');
            // A call its caller gave up on (timed out) does not warm the SPN, however it ends.
            const now = slots.now();
            if (!ticket.abandoned && now - started < WARM_MS) slots.warm(key, now);
            return token;
          };
    const pending = slots.run(call, cold, ticket);
    return gssTimeout(pending, this.#timeout, this.#spn, 'computing a token', () => {
      ticket.abandoned = true;
      ticket.leave?.();
      slots.coolAll();
    });
  }
}

// The thread pool is one per process, so the slots are too: every plugin instance and every
// `negotiate()` call with the same `maxConcurrentGss` shares them.
const shared = new Map<string, Slots>();

function sharedSlots(cold: number, pool: number): Slots {
  const key = `${cold}/${pool}`;
  let slots = shared.get(key);
  if (slots === undefined) {
    slots = new Slots(Math.max(cold, pool), cold, () => performance.now());
    shared.set(key, slots);
  }
  return slots;
}

/**
 * At most `total` calls at once, of which at most `coldLimit` cold ones; waiters are served
 * in order, except that a cold one waits while the cold slots are full and lets warm ones by.
 * A freed slot is handed straight to a waiter, so a caller arriving in between cannot take
 * it too and push the count over the limit.
 */
class Slots {
  #active = 0;
  #cold = 0;
  readonly #waiting: Waiter[] = [];
  /** Warm keys and until when (`now()`), oldest first. */
  readonly #warm = new Map<string, number>();

  constructor(
    private readonly total: number,
    private readonly coldLimit: number,
    readonly now: () => number,
  ) {}

  isWarm(key: string): boolean {
    return (this.#warm.get(key) ?? 0) > this.now();
  }

  warm(key: string, now: number): void {
    this.#warm.delete(key); // re-inserted last: the map stays ordered by expiry
    this.#warm.set(key, now + WARM_FOR_MS);
    if (this.#warm.size > MAX_WARM) this.#warm.delete(this.#warm.keys().next().value as string);
  }

  coolAll(): void {
    this.#warm.clear();
  }

  async run<T>(task: () => Promise<T>, cold: boolean, ticket: Ticket): Promise<T> {
    if (this.#waiting.length === 0 && this.#fits(cold)) this.#take(cold);
    else {
      const admitted = await new Promise<boolean>((go) => {
        const waiter: Waiter = { cold, go };
        this.#waiting.push(waiter);
        ticket.leave = () => {
          const at = this.#waiting.indexOf(waiter);
          if (at === -1) return;
          this.#waiting.splice(at, 1);
          go(false);
        };
        this.#dispatch(); // a warm call may pass cold ones that wait for a cold slot
      });
      if (!admitted) throw new Error('abandoned while queued');
    }
    try {
      if (ticket.abandoned) throw new Error('abandoned while queued');
      return await task();
    } finally {
      this.#active--;
      if (cold) this.#cold--;
      this.#dispatch();
    }
  }

  #fits(cold: boolean): boolean {
    return this.#active < this.total && (!cold || this.#cold < this.coldLimit);
  }

  #take(cold: boolean): void {
    this.#active++;
    if (cold) this.#cold++;
  }

  #dispatch(): void {
    for (let i = 0; i < this.#waiting.length && this.#active < this.total;) {
      const waiter = this.#waiting[i] as Waiter;
      if (!this.#fits(waiter.cold)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      this.#take(waiter.cold);
      waiter.go(true);
    }
  }
}

/** A caller waiting for a slot; `go(false)` when it left the queue. */
interface Waiter {
  cold: boolean;
  go: (admitted: boolean) => void;
}

/** One first step's standing: its caller gave up (timed out), and how to leave the queue. */
interface Ticket {
  abandoned: boolean;
  leave?: () => void;
}

/** `promise`, or ERR_KERBEROS_TIMEOUT naming the SPN and the step after `ms`. */
function gssTimeout<T>(promise: Promise<T>, ms: number, spn: string, what: string, onTimeout?: () => void): Promise<T> {
  return withTimeout(promise, ms, () => {
    onTimeout?.();
    return new KerberosAuthError('ERR_KERBEROS_TIMEOUT', `Kerberos timed out after ${ms} ms ${what} for SPN ${spn}.`, {
      spn,
      fix:
        'the KDC is probably not answering; check the `kdc` entries of the realm in krb5.conf (KRB5_CONFIG) ' +
        'and the network path to them, or raise `timeout`',
    });
  });
}
