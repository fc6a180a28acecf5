import { optionError } from '../errors/option-error';

/**
 * An http: or https: URL from a string or a URL, or ERR_KERBEROS_OPTIONS naming `option`:
 * Negotiate over HTTP has no SPN for `file:` or `mailto:` (it would become `HTTP@`).
 */
export function httpUrl(value: unknown, option: string): URL {
  let url: URL;
  if (value instanceof URL) url = value;
  else if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      throw optionError(option, `'${value}' is not a valid URL (expected one such as 'https://host.example.com/')`);
    }
  } else {
    throw optionError(option, `expected a URL string or a URL object, got ${value === null ? 'null' : typeof value}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw optionError(option, `'${url.protocol}' URLs have no HTTP service principal; expected an http: or https: URL`);
  }
  return url;
}

const PRINCIPAL_FORM = /^[^@/\s:]+\/[^@/\s]+@[^@/\s]+$/;
const SPN_FORM = /^[^@/\s:]+[@/][^@/\s]+$/;

/**
 * An SPN the caller wrote: `service@host` (GSS-API host-based service form) or `service/host`
 * (the principal's own form). A realm (`HTTP/host@REALM`) is refused with a message that
 * says which form to use: GSS-API takes a host-based name, and the realm comes from
 * krb5.conf (`[domain_realm]`), so `HTTP@host@REALM` would only fail later, misleadingly.
 */
export function checkSpn(option: string, value: unknown): string {
  if (typeof value === 'string' && PRINCIPAL_FORM.test(value)) {
    const [service, rest] = value.split('/') as [string, string];
    throw optionError(
      option,
      `'${value}' is a principal name with a realm`,
      `write the host-based form '${service}@${rest.split('@')[0]}' (the realm comes from krb5.conf's [domain_realm] section)`,
    );
  }
  if (typeof value !== 'string' || !SPN_FORM.test(value)) {
    throw optionError(
      option,
      `expected an SPN such as 'HTTP@host.example.com', got ${typeof value === 'string' ? `'${value}'` : typeof value}`,
    );
  }
  return value;
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
