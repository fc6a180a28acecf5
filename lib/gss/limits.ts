import { withTimeout } from '../core/timers';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import type { GssContext, GssContextOptions, GssProvider } from './provider';

/** Bounds on native GSS work; see `timeout` and `maxConcurrentGss` in the options. */
export interface GssLimits {
  /** Milliseconds one GSS call (queueing included) may take before ERR_KERBEROS_TIMEOUT. */
  timeout: number;
  /** GSS calls allowed on libuv's thread pool at once. */
  maxConcurrent: number;
}

/**
 * Every `kerberos` call runs on libuv's thread pool (4 threads by default, shared with
 * `fs`, `dns.lookup` and zlib). A KDC that accepts connections and never answers holds
 * a pool thread for about 28 s inside MIT krb5 and 67 s inside Heimdal (their own per-KDC
 * timeouts), and nothing
 * can cancel it. So: at most `maxConcurrent` GSS calls are in the pool at once, a slot is
 * only freed when the native call really returns, and callers stop waiting after
 * `timeout` ms. A dead KDC then costs the process at most `maxConcurrent` pool threads.
 */
export function limitGss(provider: GssProvider, limits: GssLimits): GssProvider {
  const semaphore = sharedSemaphore(limits.maxConcurrent);
  return {
    async createContext(spn: string, options: GssContextOptions): Promise<GssContext> {
      const context = await gssTimeout(provider.createContext(spn, options), limits.timeout, spn, 'setting up');
      return new LimitedContext(context, spn, limits.timeout, semaphore);
    },
  };
}

/** A context whose calls are bounded by `limitGss`. */
class LimitedContext implements GssContext {
  // Private fields: a request's config (which JSON.stringify and loggers print) reaches this
  // object through its state, and the native context behind it is nobody's business there.
  readonly #context: GssContext;
  readonly #spn: string;
  readonly #timeout: number;
  readonly #semaphore: Semaphore;

  constructor(context: GssContext, spn: string, timeout: number, semaphore: Semaphore) {
    this.#context = context;
    this.#spn = spn;
    this.#timeout = timeout;
    this.#semaphore = semaphore;
  }

  get complete(): boolean {
    return this.#context.complete;
  }

  step(serverToken: string): Promise<string | null> {
    // Only the initial step can talk to the KDC (to get the service ticket); stepping a
    // server token is a local computation and needs no slot, just the time bound.
    if (serverToken !== '') {
      return gssTimeout(this.#context.step(serverToken), this.#timeout, this.#spn, 'computing a token');
    }
    // A caller that timed out while queued has given up: its call is dropped, not run
    // later, so a slow KDC cannot pile up abandoned work behind the slots.
    let abandoned = false;
    const pending = this.#semaphore.run(
      () => this.#context.step(''),
      () => abandoned,
    );
    return gssTimeout(pending, this.#timeout, this.#spn, 'computing a token', () => (abandoned = true));
  }
}

// The thread pool is one per process, so the cap is too: every plugin instance and every
// `negotiate()` call with the same `maxConcurrentGss` shares one semaphore.
const semaphores = new Map<number, Semaphore>();

function sharedSemaphore(limit: number): Semaphore {
  let semaphore = semaphores.get(limit);
  if (semaphore === undefined) {
    semaphore = new Semaphore(limit);
    semaphores.set(limit, semaphore);
  }
  return semaphore;
}

class Semaphore {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>, abandoned: () => boolean = () => false): Promise<T> {
    // A freed slot is handed straight to the next waiter, so a caller arriving in between
    // cannot take it too and push the count over the limit.
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      if (abandoned()) throw new Error('abandoned while queued');
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#active--;
      else next();
    }
  }
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
