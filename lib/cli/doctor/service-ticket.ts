import { isNtlmToken } from '../../core/negotiation';
import { classifyGssError } from '../../errors/classify';
import type { GssContextOptions, GssProvider, Mechanism } from '../../gss/provider';
import { learnSpnegoCause } from '../../gss/spnego-cause';
import type { MutualMode } from '../../options';
import { describeFailure } from '../failure';
import { failed, messageOf, passed, type Step } from './step';

export interface ServiceTicketInput {
  gss: GssProvider;
  spn: string;
  host: string;
  principal: string | undefined;
  mechanism: Mechanism;
  mutual: MutualMode;
  /** Command-line options that give another SPN, suggested when the KDC does not know this one. */
  alternatives?: string;
  /** Set when krb5.conf maps the SPN's host to a realm other than `default_realm`. */
  foreignRealm?: { realm: string; entry: string; home: string };
}

// MIT's words when a Heimdal KDC refuses a name: no principal is named, so an unknown SPN and a
// realm with no trust path read the same. krb5.conf, which doctor reads, tells them apart.
const NAMELESS_NOT_FOUND = /(?:^|: )Server not found in Kerberos database/;

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
  return passed(
    'service-ticket',
    `service ticket for ${input.spn} obtained; first ${mechanism} token: ${bytes} bytes (not shown)`,
  );
}
