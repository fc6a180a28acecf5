import { isIP } from 'node:net';
import { isNtlmToken } from '../../core/ntlm';
import { LARGE_TOKEN_CHARS } from '../../core/token-size';
import { classifyGssError, NAMELESS_NOT_FOUND } from '../../errors/classify';
import { messageOf } from '../../errors/message';
import type { GssContextOptions, GssProvider } from '../../gss/provider';
import { learnSpnegoCause } from '../../gss/spnego-cause';
import type { Mechanism, MutualMode } from '../../options';
import { describeFailure } from '../failure';
import { failed, passed, type Step } from './step';

export interface ServiceTicketInput {
  gss: GssProvider;
  spn: string;
  host: string;
  principal: string | undefined;
  mechanism: Mechanism;
  mutual: MutualMode;
  /** Command-line options that give another SPN, suggested when the KDC does not know this one. */
  alternatives?: string;
  /**
   * Resolves the URL host in DNS (`dns.promises.lookup`): a host that does not resolve is a
   * typo in the URL, not a realm or SPN problem, whatever the KDC says about its name.
   */
  lookupHost?: (host: string) => Promise<unknown>;
  /** Set when krb5.conf maps the SPN's host to a realm other than `default_realm`. */
  foreignRealm?: { realm: string; entry: string; home: string };
}

// A name that does not exist (getaddrinfo's EAI_NONAME, as Node names it), not a DNS outage.
const NO_SUCH_HOST = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * Check 4: can GSS get a service ticket for the SPN and produce the first token? This is
 * the KDC round trip every request needs, done once here without sending anything, so a
 * failure is reported with its own code before any HTTP happens. The token is only measured.
 */
export async function checkServiceTicket(input: ServiceTicketInput): Promise<Step> {
  let token: string | null;
  const options: GssContextOptions = {
    principal: input.principal,
    delegate: false,
    mutual: input.mutual !== 'disabled',
    mechanism: input.mechanism,
  };
  try {
    const context = await input.gss.createContext(input.spn, options);
    token = await context.step('');
  } catch (error) {
    // The same repeat with raw Kerberos as the plugin's, so both name the same cause.
    const cause = await learnSpnegoCause(input.gss, input.spn, options, error);
    const failure = describeFailure(classifyGssError(cause, input.spn, input.host));
    const nameProblem = failure.code === 'ERR_KERBEROS_WRONG_REALM' || failure.code === 'ERR_KERBEROS_UNKNOWN_SPN';
    const unresolved = nameProblem ? await unresolvable(input) : undefined;
    if (unresolved !== undefined) {
      return failed(
        'service-ticket',
        `${failure.problem}; and ${input.host} does not resolve in DNS (${unresolved})`,
        `check the host name in the URL for a typo: ${input.host} has no address, so no service can be registered under it`,
        failure.code,
      );
    }
    const foreign = input.foreignRealm;
    if (
      failure.code === 'ERR_KERBEROS_UNKNOWN_SPN' &&
      foreign !== undefined &&
      NAMELESS_NOT_FOUND.test(messageOf(cause))
    ) {
      return failed(
        'service-ticket',
        failure.problem,
        `krb5.conf maps ${input.host} to ${foreign.realm} ([domain_realm] ${foreign.entry}), not to your realm ${foreign.home}, ` +
          `and your KDC knows no way there: if the service is in ${foreign.home}, correct that entry; otherwise ask for a cross-realm trust`,
        'ERR_KERBEROS_WRONG_REALM',
      );
    }
    let fix = failure.fix ?? 'see docs/errors.md';
    if (failure.code === 'ERR_KERBEROS_UNKNOWN_SPN' && input.alternatives !== undefined) {
      fix += `; on the command line: ${input.alternatives}`;
    }
    return failed('service-ticket', failure.problem, fix, failure.code);
  }
  if (token === null) {
    return failed(
      'service-ticket',
      `GSS produced no token for ${input.spn}`,
      'run the request with KRB5_TRACE=/dev/stderr to see what GSS did',
      'ERR_KERBEROS_GSS',
    );
  }
  if (isNtlmToken(token)) {
    return failed(
      'service-ticket',
      `GSS offered NTLM instead of Kerberos for ${input.spn}`,
      'get a Kerberos ticket (`kinit`) and make sure the SPN exists, so SPNEGO does not fall back to NTLM',
      'ERR_KERBEROS_NTLM_REFUSED',
    );
  }
  const bytes = Buffer.from(token, 'base64').length;
  const mechanism = input.mechanism === 'spnego' ? 'SPNEGO' : 'raw krb5';
  const large =
    token.length >= LARGE_TOKEN_CHARS
      ? `; large (${token.length} characters in the header, many group memberships): servers with an 8 KiB header ` +
        'limit answer 400 or 431 (ERR_KERBEROS_TOKEN_TOO_LARGE), and delegation doubles it'
      : '';
  return passed(
    'service-ticket',
    `service ticket for ${input.spn} obtained; first ${mechanism} token: ${bytes} bytes (not shown)${large}`,
  );
}

/** The DNS error code when the URL host does not exist; undefined when it resolves (or is an IP). */
async function unresolvable(input: ServiceTicketInput): Promise<string | undefined> {
  if (input.lookupHost === undefined || isIP(input.host) !== 0) return undefined;
  try {
    await input.lookupHost(input.host);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && NO_SUCH_HOST.has(code) ? code : undefined;
  }
}
