import { isIP } from 'node:net';
import { normalizeHostname } from '../../hosts';
import { formatSpn, spnForUrl } from '../../spn';
import { type Krb5Conf, realmForHost } from '../krb5-conf';
import { passed, type Step } from './step';

export interface ServicePrincipalInput {
  url: URL;
  /** `--spn`, when given. */
  spn: string | undefined;
  platform: NodeJS.Platform;
  conf: Krb5Conf;
}

/**
 * Check 3: the SPN the plugin will use for the URL, and why: the host mapping or `--spn`,
 * the form the platform's GSS layer wants, and the realm krb5.conf maps it to. Never fails
 * by itself: whether the KDC knows the name is what check 4 finds out.
 */
export function checkServicePrincipal(input: ServicePrincipalInput): { step: Step; spn: string; host: string } {
  const { url, platform } = input;
  const host = normalizeHostname(url);
  const spn = spnForUrl(url, { spn: input.spn, platform });
  const parts = [`${spn}: ${origin(input, host)}`, principalAndRealm(spn, input.conf), platformForm(spn, platform)];
  if (input.spn === undefined && isIP(host) !== 0) {
    parts.push('the host is an IP address: services are usually registered under a DNS name');
  }
  return { step: passed('service-principal', parts.join('; ')), spn, host };
}

function origin(input: ServicePrincipalInput, host: string): string {
  if (input.spn !== undefined) return `from --spn ${input.spn} (the URL host ${host} is not used)`;
  const port = input.url.port === '' ? '' : `, port ${input.url.port} left out as browsers and curl do`;
  return `mapped from the URL host ${host} (service HTTP${port})`;
}

function principalAndRealm(spn: string, conf: Krb5Conf): string {
  const match = /^([^@/]+)[@/](.+)$/.exec(spn);
  if (match === null) return 'not a service@host name';
  const [, service, host] = match as unknown as [string, string, string];
  const mapped = realmForHost(conf, host);
  if (mapped !== undefined) return `principal ${service}/${host}@${mapped.realm} ([domain_realm] ${mapped.entry})`;
  return `principal ${service}/${host} in a realm the KDC decides (no [domain_realm] entry for ${host})`;
}

function platformForm(spn: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'in the HTTP/host form SSPI wants on Windows';
  const match = /^([^@]+)@(.+)$/.exec(spn);
  const windows = match === null ? '' : ` (on Windows: ${formatSpn(match[1] as string, match[2] as string, 'win32')})`;
  return `in the service@host form GSS-API wants on ${platform}${windows}`;
}
