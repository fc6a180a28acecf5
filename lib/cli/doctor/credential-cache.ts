import { adviceFor } from '../../errors/classify';
import { formatDuration, formatLocal } from '../duration';
import { findTgt, type KlistListing, type KlistResult, type KlistTicket } from '../klist';
import type { Krb5Conf } from '../krb5-conf';
import { failed, passed, type Step } from './step';

export interface CredentialCacheInput {
  klist: KlistResult;
  env: NodeJS.ProcessEnv;
  conf: Krb5Conf;
  /** `--principal`, when given. */
  principal: string | undefined;
  now: Date;
  platform: NodeJS.Platform;
  /** The user id, for MIT's built-in default cache name. */
  uid: number | undefined;
}

// The library's own advice for a missing ticket: doctor and the plugin say the same.
const KINIT_FIX = adviceFor('ERR_KERBEROS_NO_CREDENTIALS') as string;
// A ticket this close to its end may expire between this check and the request.
const SOON_MS = 5 * 60 * 1000;

/** Check 2: the credential cache, its client principal and when its ticket-granting ticket expires. */
export function checkCredentialCache(input: CredentialCacheInput): Step {
  if (input.platform === 'win32') {
    return passed('credential-cache', "SSPI uses the logged-on user's tickets (list them with `klist`)");
  }
  const cache = cacheName(input);
  if (!input.klist.available) {
    return passed(
      'credential-cache',
      `${cache}: klist not found, so the tickets are not listed (install krb5-user or krb5-workstation); ` +
        'the service-ticket check below still tests the cache',
    );
  }
  const { listing, valid, message } = input.klist;
  if (valid) return passed('credential-cache', `${cache}: ${describeValid(listing, input)}`);
  const keytab = input.env.KRB5_CLIENT_KTNAME;
  if (keytab !== undefined && keytab !== '') {
    return passed(
      'credential-cache',
      `${cache}: no valid ticket, but GSS can get one from KRB5_CLIENT_KTNAME=${keytab}`,
    );
  }
  return describeInvalid(cache, listing, message, input.now);
}

function cacheName({ klist, env, conf, uid }: CredentialCacheInput): string {
  if (klist.available && klist.listing.cache !== undefined) return klist.listing.cache;
  if (env.KRB5CCNAME !== undefined && env.KRB5CCNAME !== '') return `${env.KRB5CCNAME} (KRB5CCNAME)`;
  if (conf.defaultCcacheName !== undefined) return `${conf.defaultCcacheName} (default_ccache_name)`;
  return `FILE:/tmp/krb5cc_${uid ?? '<uid>'} (default)`;
}

function describeValid(listing: KlistListing, input: CredentialCacheInput): string {
  const who = listing.principal ?? 'unknown principal';
  const tgt = findTgt(listing);
  let text =
    tgt === undefined
      ? `${who}, no ticket-granting ticket (${listing.tickets.length} service tickets)`
      : `${who}, ticket-granting ticket ${tgt.server} ${validity(tgt, input.now)}`;
  if (input.principal !== undefined && input.principal !== listing.principal) {
    text += `; --principal ${input.principal} is not the default principal of this cache (GSS looks for it in the cache collection)`;
  }
  return text;
}

function validity(tgt: KlistTicket, now: Date): string {
  if (tgt.expires === undefined) return tgt.expiresText === undefined ? 'valid' : `valid until ${tgt.expiresText}`;
  const left = tgt.expires.getTime() - now.getTime();
  const soon = left < SOON_MS ? ': expires soon, run `kinit` again first' : '';
  return `valid until ${formatLocal(tgt.expires)} (in ${formatDuration(left)})${soon}`;
}

function describeInvalid(cache: string, listing: KlistListing, message: string, now: Date): Step {
  const who = listing.principal;
  if (who === undefined) {
    return failed('credential-cache', `${cache}: ${message || 'no tickets'}`, KINIT_FIX, 'ERR_KERBEROS_NO_CREDENTIALS');
  }
  if (listing.tickets.length === 0) {
    return failed('credential-cache', `${cache}: ${who}, but no tickets`, KINIT_FIX, 'ERR_KERBEROS_NO_CREDENTIALS');
  }
  const tgt = findTgt(listing);
  const what = tgt === undefined ? 'every ticket' : 'the ticket-granting ticket';
  const when =
    tgt?.expires === undefined
      ? 'has expired'
      : `expired at ${formatLocal(tgt.expires)} (${formatDuration(now.getTime() - tgt.expires.getTime())} ago)`;
  return failed(
    'credential-cache',
    `${cache}: ${who}, ${what} ${when}`,
    `your Kerberos ticket has expired: run \`kinit ${who}\` again (or \`kinit -R\` while it is still renewable)`,
    'ERR_KERBEROS_EXPIRED',
  );
}
