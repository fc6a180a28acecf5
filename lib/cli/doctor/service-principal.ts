import { isIP } from 'node:net';
import { type CnameChain, type CnameResolver, SpnResolver } from '../../core/spn-resolver';
import { messageOf } from '../../errors/message';
import { normalizeHostname } from '../../names/hosts';
import { formatSpn } from '../../names/spn';
import { resolveOptions } from '../../options';
import { type CliAuthOptions, pluginOptions } from '../auth-options';
import { type Krb5Conf, realmForHost } from '../krb5-conf';
import { passed, type Step } from './step';

export interface ServicePrincipalInput {
  url: URL;
  /** The command's options: `--spn`, `--canonicalize` and `--include-port` shape the SPN. */
  options: CliAuthOptions;
  platform: NodeJS.Platform;
  conf: Krb5Conf;
  /** The CNAME lookup for `--canonicalize cname`; give the plugin the same one (see `onceEach`). */
  resolveCname: CnameResolver;
}

/** The SPN `doctor` checks, the URL host it came from, and the step that says why. */
export interface ServicePrincipal {
  step: Step;
  spn: string;
  host: string;
  /** The options that would give another SPN, for check 4 to suggest when the KDC does not know this one. */
  alternatives: string;
  /** The realm krb5.conf maps the SPN's host to, and the [domain_realm] entry that does it. */
  realm: { realm: string; entry: string } | undefined;
}

// Lookup errors that mean "this name is not an alias", not "DNS failed" (as the plugin treats every error).
const NO_CNAME_CODES = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * Check 3: the SPN the plugin will use for the URL, and why: the host mapping or `--spn`,
 * the CNAME chain (`--canonicalize cname`), the port (`--include-port`), the form the
 * platform's GSS layer wants, and the realm krb5.conf maps it to. The SPN comes from the
 * plugin's own `SpnResolver`, built from the same options as the plugin of check 6. Never
 * fails by itself: whether the KDC knows the name is what check 4 finds out.
 */
export async function checkServicePrincipal(input: ServicePrincipalInput): Promise<ServicePrincipal> {
  const { url, options, platform } = input;
  const host = normalizeHostname(url);
  const resolver = new SpnResolver(resolveOptions(pluginOptions(host, options)), platform, input.resolveCname);
  const { spn, chain } = await resolver.explain(url);
  const parts = [`${spn}: ${origin(input, host, chain)}`];
  const port = portPart(input);
  if (port !== undefined) parts.push(port);
  const realm = mappedRealm(spn, input);
  parts.push(principalAndRealm(spn, realm), platformForm(spn, platform));
  const canonical = chain?.names.at(-1) ?? host;
  if (options.spn === undefined && isIP(canonical) !== 0) {
    parts.push('the host is an IP address: services are usually registered under a DNS name');
  }
  return {
    step: passed('service-principal', parts.join('; ')),
    spn,
    host,
    alternatives: alternatives(input, host, chain),
    realm: realm?.mapped,
  };
}

function alternatives({ url, options }: ServicePrincipalInput, host: string, chain: CnameChain | undefined): string {
  const flags = ['--spn <the registered name>'];
  if (options.spn === undefined) {
    const canonical = chain?.names[chain.names.length - 1] ?? host;
    if (options.canonicalize !== 'cname') flags.push('--canonicalize cname for an alias');
    else if (canonical !== host) flags.push(`no --canonicalize for the URL host ${host}`);
    if (url.port !== '') {
      flags.push(
        options.includePort === true
          ? 'no --include-port for the SPN without the port'
          : '--include-port for an SPN with the port',
      );
    }
  }
  return flags.join(', ');
}

/**
 * `resolve` asking DNS once per name and giving every later caller the same answer, so the
 * plugin of check 6 canonicalizes the host exactly as check 3 did, even when a load balancer's
 * CNAME answers change from one query to the next.
 */
export function onceEach(resolve: CnameResolver): CnameResolver {
  const answers = new Map<string, Promise<string[]>>();
  return (name) => {
    let answer = answers.get(name);
    if (answer === undefined) {
      answer = resolve(name);
      answers.set(name, answer);
    }
    return answer;
  };
}

function origin(input: ServicePrincipalInput, host: string, chain: CnameChain | undefined): string {
  const { spn, canonicalize, includePort } = input.options;
  if (spn !== undefined) {
    const unused = [
      canonicalize === 'cname' ? '--canonicalize cname' : '',
      includePort === true ? '--include-port' : '',
    ]
      .filter((flag) => flag !== '')
      .join(' and ');
    const ignored = unused === '' ? '' : `; ${unused} do${unused.includes(' and ') ? '' : 'es'} not apply to it`;
    return `from --spn ${spn} (the URL host ${host} is not used${ignored})`;
  }
  if (chain === undefined) return `mapped from the URL host ${host}`;
  return `${describeChain(chain)} (--canonicalize cname)`;
}

/** How the CNAME walk went, in the plugin's terms: the last name reached is the one used. */
function describeChain({ names, error, cut }: CnameChain): string {
  const first = names[0] as string;
  const last = names[names.length - 1] as string;
  if (cut) return `${cutChain(names)}, so ${last} is used as the plugin does`;
  const via = names.slice(1, -1);
  const found =
    names.length === 1
      ? `mapped from the URL host ${first}`
      : `${first} is a CNAME for ${last}${via.length === 0 ? '' : ` via ${via.join(', ')}`}`;
  if (error === undefined || NO_CNAME_CODES.has(errorCode(error) ?? '')) {
    return names.length === 1 ? `${found}, which has no CNAME record` : found;
  }
  const why = errorCode(error) ?? messageOf(error);
  return `${found}; the CNAME lookup of ${last} failed (${why}), so ${last} is used as the plugin does`;
}

/** A chain cut after the plugin's limit of CNAME records: a loop (shown until it closes), or just too long. */
function cutChain(names: string[]): string {
  const records = names.length - 1;
  const repeat = names.findIndex((name, index) => names.indexOf(name) !== index);
  if (repeat === -1) return `the CNAME chain of ${names[0] as string} was cut after ${records} records`;
  const loop = names.slice(0, repeat + 1).join(' → ');
  return `${names[0] as string} leads into a CNAME loop (${loop}), cut after ${records} records`;
}

function portPart({ url, options }: ServicePrincipalInput): string | undefined {
  if (options.spn !== undefined) return undefined;
  if (url.port === '') {
    return options.includePort === true
      ? `no port in the URL (default port for ${url.protocol}), so none added`
      : undefined;
  }
  return options.includePort === true
    ? `port ${url.port} included (--include-port)`
    : `port ${url.port} left out as browsers and curl do (--include-port adds it)`;
}

interface MappedRealm {
  service: string;
  host: string;
  realmHost: string;
  mapped: { realm: string; entry: string } | undefined;
}

function mappedRealm(spn: string, { url, options, conf }: ServicePrincipalInput): MappedRealm | undefined {
  const match = /^([^@/]+)[@/](.+)$/.exec(spn);
  if (match === null) return undefined;
  const [, service, host] = match as unknown as [string, string, string];
  // The realm is mapped from the host name, without the port --include-port adds.
  const suffix = `:${url.port}`;
  const withPort = options.spn === undefined && options.includePort === true && url.port !== '';
  const realmHost = withPort && host.endsWith(suffix) ? host.slice(0, -suffix.length) : host;
  return { service, host, realmHost, mapped: realmForHost(conf, realmHost) };
}

function principalAndRealm(spn: string, realm: MappedRealm | undefined): string {
  if (realm === undefined) return 'not a service@host name';
  const { service, host, realmHost, mapped } = realm;
  if (mapped !== undefined) return `principal ${service}/${host}@${mapped.realm} ([domain_realm] ${mapped.entry})`;
  return `principal ${service}/${host} in a realm the KDC decides (no [domain_realm] entry for ${realmHost})`;
}

function platformForm(spn: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'in the HTTP/host form SSPI wants on Windows';
  const match = /^([^@]+)@(.+)$/.exec(spn);
  const windows = match === null ? '' : ` (on Windows: ${formatSpn(match[1] as string, match[2] as string, 'win32')})`;
  return `in the service@host form GSS-API wants on ${platform}${windows}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
