import { normalizeHostname } from './hosts';

/** The options `spnForUrl` reads. */
export interface SpnOptions {
  /**
   * The service part of the SPN.
   * @default 'HTTP'
   */
  service?: string;
  /**
   * A fixed SPN (`'HTTP@host.example.com'`) or a function that builds one from the URL.
   * Takes precedence over `service`.
   */
  spn?: string | ((url: URL) => string);
  /**
   * Adds a non-default port to the host part of the SPN (`HTTP@host:8443`), like Chrome's
   * `EnableAuthNegotiatePort`. Only for services registered that way.
   * @default false
   */
  includePort?: boolean;
  /**
   * The platform whose GSS layer receives the name. Windows SSPI wants `HTTP/host`, GSS-API
   * (MIT, Heimdal) wants the host-based service form `HTTP@host`.
   * @default process.platform
   */
  platform?: NodeJS.Platform;
}

/**
 * The service principal name for a request URL: `HTTP@<host>` with the host lower-cased,
 * IPv6 brackets removed, internationalised names in ASCII, and no port (browsers and
 * curl leave the port out too). `service`, `spn` and `includePort` change it. On Windows
 * the result is `HTTP/<host>`, the form SSPI expects.
 */
export function spnForUrl(url: string | URL, options: SpnOptions = {}): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const platform = options.platform ?? process.platform;
  const fixed = typeof options.spn === 'function' ? options.spn(parsed) : options.spn;
  if (fixed !== undefined) return toPlatformForm(fixed, platform);
  let host = normalizeHostname(parsed);
  if (options.includePort === true && parsed.port !== '') host = `${host}:${parsed.port}`;
  return formatSpn(options.service ?? 'HTTP', host, platform);
}

/** Joins service and host in the separator the platform's GSS layer expects. */
export function formatSpn(service: string, host: string, platform: NodeJS.Platform): string {
  return `${service}${platform === 'win32' ? '/' : '@'}${host}`;
}

/**
 * Accepts an SPN written either way (`HTTP@host` as GSS-API host-based service names are,
 * `HTTP/host` as Kerberos principals and SSPI are) and returns the platform's form.
 */
export function toPlatformForm(spn: string, platform: NodeJS.Platform): string {
  const match = /^([^@/]+)[@/](.+)$/.exec(spn);
  if (match === null) return spn;
  return formatSpn(match[1] as string, match[2] as string, platform);
}
