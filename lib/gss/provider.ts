import type { Mechanism } from '../options';

/**
 * The GSS boundary. Everything above this interface is plain TypeScript; everything
 * below it talks to GSS-API (MIT/Heimdal) or SSPI through the `kerberos` binding.
 * Unit tests put a fake provider here; nothing else is ever replaced.
 */

/** How one security context is set up. */
export interface GssContextOptions {
  /** Client principal to take from the credential cache; the cache's default when unset. */
  principal: string | undefined;
  /** Ask for credential delegation (GSS_C_DELEG_FLAG): the server receives a forwardable TGT. */
  delegate: boolean;
  /** Ask the server to authenticate itself (GSS_C_MUTUAL_FLAG). */
  mutual: boolean;
  mechanism: Mechanism;
}

/** One client security context: single use, one per request, never shared. */
export interface GssContext {
  /**
   * Feeds the server's token (`''` for the first call) and returns the next token to send,
   * or `null` when GSS has nothing more to say.
   */
  step(serverToken: string): Promise<string | null>;
  /** True once GSS reports the context established (mutual authentication done, if asked). */
  readonly complete: boolean;
}

/** Makes security contexts. */
export interface GssProvider {
  /** Creates a context for `spn` (`service@host`, or `service/host` on Windows). */
  createContext(spn: string, options: GssContextOptions): Promise<GssContext>;
}
