import type { AxiosInstance } from 'axios';
import type { GssProvider } from '../gss/provider';
import type { ResolvedOptions } from '../options';
import type { ExpiringOriginSet } from './origin-memory';
import type { Sessions } from './session';
import type { SpnResolver } from './spn-resolver';
import type { TokenPool } from './token-pool';

/** What both interceptors of one installed plugin share. */
export interface PluginContext {
  readonly options: ResolvedOptions;
  /** Already wrapped by `limitGss`. */
  readonly gss: GssProvider;
  /** The instance the plugin is installed on: re-sends go through it. */
  readonly instance: AxiosInstance;
  readonly memory: ExpiringOriginSet;
  /** Spare tokens for pre-emptive requests; undefined when prefetching is off. */
  readonly pool: TokenPool | undefined;
  readonly platform: NodeJS.Platform;
  /** SPNs per origin, canonicalized when asked. */
  readonly spns: SpnResolver;
  /** Server sessions per origin: ours (`session`) or the caller's cookie jar. */
  readonly sessions: Sessions;
}
