import { optionError } from './errors/option-error';
import { normalizeHostname } from './names/hosts';
import { checkSpn, formatSpn, httpUrl, toPlatformForm } from './names/spn';

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
  const parsed = httpUrl(url, 'url');
  if (typeof options !== 'object' || options === null) throw optionError('options', 'expected an object');
  const own = <K extends keyof SpnOptions>(key: K): SpnOptions[K] =>
    Object.hasOwn(options, key) ? options[key] : undefined;
  const platform = own('platform') ?? process.platform;
  const spn = own('spn');
  const fixed = typeof spn === 'function' ? checkSpn('spn', spn(parsed)) : spn;
  if (fixed !== undefined) return toPlatformForm(checkSpn('spn', fixed), platform);
  let host = normalizeHostname(parsed);
  if (own('includePort') === true && parsed.port !== '') host = `${host}:${parsed.port}`;
  return formatSpn(own('service') ?? 'HTTP', host, platform);
}
