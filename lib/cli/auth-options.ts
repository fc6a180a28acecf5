import type { KerberosAuthOptions, Mechanism, MutualMode } from '../options';

/** The Kerberos options both commands take. */
export interface CliAuthOptions {
  spn?: string;
  mutual?: MutualMode;
  principal?: string;
  mechanism: Mechanism;
  /** Milliseconds for each GSS operation and each HTTP request. */
  timeout: number;
  delegate?: boolean;
  /** `--canonicalize`: follow the URL host through DNS CNAME records before building the SPN. */
  canonicalize?: 'none' | 'cname';
  /** `--include-port`: add a non-default URL port to the SPN. */
  includePort?: boolean;
}

/**
 * The plugin options for a one-shot request to `host`: the host is the allowlist, so the
 * token goes with the first request (one round trip, as the library does for listed hosts).
 */
export function pluginOptions(host: string, options: CliAuthOptions): KerberosAuthOptions {
  return {
    hosts: host,
    spn: options.spn,
    mutual: options.mutual,
    principal: options.principal,
    mechanism: options.mechanism,
    timeout: options.timeout,
    delegate: options.delegate === true,
    canonicalize: options.canonicalize ?? 'none',
    includePort: options.includePort === true,
    // A one-shot command has no next request: a pre-minted spare token would be wasted work.
    prefetch: false,
  };
}
