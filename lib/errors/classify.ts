import type { KerberosErrorCode } from './codes';
import { KerberosAuthError } from './kerberos-auth-error';
import { messageOf } from './message';
import type { Mechanism } from '../options';

/**
 * One known GSS message: what it means and what to do. Rules are data so that the wording of
 * each implementation (MIT krb5, Heimdal, SSPI) can be added as a row.
 */
export interface GssRule {
  code: KerberosErrorCode;
  /** Matched against the GSS message of the native binding (MIT krb5, Heimdal, SSPI wording). */
  pattern: RegExp;
  /** What really happened, when the native message does not say it plainly. */
  cause?: string;
  /**
   * Tells the user what to do, as one clause. `{spn}` is replaced by the service principal
   * name, and `{name}` by the pattern's named group `name` (a path, principal or realm from
   * the message).
   */
  fix: string;
  /**
   * The fix when the message came from stepping the server's token (the server's KRB-ERROR,
   * RFC 4121 section 4.1): then the server found the problem, not this machine's KDC exchange.
   */
  serverFix?: string;
}

// Order matters: the first match wins, and a native message often holds several phrases. Three
// groups, checked in this order:
// 1. A KDC's refusal that names its real cause. MIT prefixes such a refusal during credential
//    acquisition (client keytab) with "No credentials were supplied, or the credentials were
//    unavailable or inaccessible: <cause>", so these come before any no-credentials rule.
// 2. Heimdal's own words: distinctive, and some contain MIT phrases with another meaning
//    ("Matching credential not found" for an expired TGT).
// 3. MIT krb5 wording, and the SSPI status names.
// 4. SSPI's words on Windows, tied to the SSPI call the addon names: no rule above matches
//    them, and after the general rules they do not become `adviceFor()`'s general advice.

/**
 * MIT's words when a Heimdal KDC refuses a name: no principal is named, so an unknown SPN and a
 * realm with no trust path read the same (doctor tells them apart with krb5.conf).
 */
export const NAMELESS_NOT_FOUND = /(?:^|: )Server not found in Kerberos database/;

const LOWER_CASE_REALM = {
  code: 'ERR_KERBEROS_WRONG_REALM',
  cause: 'the realm krb5.conf maps the host to is written in lower case',
  fix: 'realm names are case-sensitive and almost always upper case: write the realm `{realm}` of [domain_realm] (and [realms]) in krb5.conf (KRB5_CONFIG) in upper case',
} as const;

// What an unknown SPN can mean on Active Directory: the KDC answers an SPN registered on two
// accounts exactly as a missing one.
const DUPLICATE_SPN = '; on AD, `setspn -Q <HTTP/host>` shows which account holds it and `setspn -X` lists duplicates';

// No cross-realm key towards the service's realm, in MIT's and in Heimdal's words.
const NO_TRUST_PATH =
  'your realm has no trust path to the realm krb5.conf maps {spn} to: check [domain_realm] in krb5.conf (KRB5_CONFIG), or ask for a cross-realm trust';

const KDC_CAUSE_RULES: readonly GssRule[] = [
  {
    // KDC_ERR_CLIENT_REVOKED (RFC 4120 section 7.5.9): AD and Samba answer it for a disabled,
    // locked-out or expired account. Heimdal's text has no apostrophe ("Clients credentials").
    code: 'ERR_KERBEROS_ACCOUNT_REVOKED',
    pattern: /client'?s credentials have been revoked|KDC_ERR_CLIENT_REVOKED|SEC_E_ACCOUNT_DISABLED/i,
    cause: 'the KDC refuses the account: it is disabled, locked out or expired',
    fix: 'ask a domain administrator to enable or unlock the account (AD: Active Directory Users and Computers or `Enable-ADAccount`; Samba: `samba-tool user enable`), then run `kinit` again',
  },
  {
    // KDC_ERR_POLICY: Samba's KDC answers a ticket request with it when the account was
    // disabled after its TGT was issued; also logon hours, workstation restrictions, or an
    // MIT principal flag (-allow_tix, -allow_svr).
    code: 'ERR_KERBEROS_KDC_POLICY',
    pattern: /KDC policy rejects request|KDC_ERR_POLICY/i,
    cause:
      'the KDC refuses by policy: in Active Directory the account was disabled or locked after your ticket was issued, or is outside its logon hours or allowed workstations',
    fix: 'ask a domain administrator to check the account (enabled, unlocked, logon hours, "log on to" workstations); on an MIT KDC check the principal flags of both principals (`getprinc`)',
  },
  {
    code: 'ERR_KERBEROS_PASSWORD_EXPIRED',
    pattern: /password has expired|KDC_ERR_KEY_EXPIRED|SEC_E_PASSWORD_EXPIRED/i,
    cause: 'the password of your principal has expired (or must be changed at next logon)',
    fix: 'change the password (`kpasswd`, or log on to a Windows machine of the domain), then run `kinit`; for a service account with a client keytab, make a new keytab after the change',
  },
  {
    // A client keytab made before the account's password was changed holds old keys: the KDC
    // cannot decrypt the pre-authentication timestamp.
    code: 'ERR_KERBEROS_PREAUTH_FAILED',
    pattern: /preauthentication failed|KDC_ERR_PREAUTH_FAILED/i,
    cause:
      "the KDC could not verify your key: the password is wrong, or the client keytab is older than the account's last password change",
    fix: 'make a new client keytab (KRB5_CLIENT_KTNAME) after the password change (AD: `ktpass`, or `ktutil` with the new password; MIT: `kadmin ktadd -norandkey`), or run `kinit` with the current password',
  },
  {
    // Realm names are case-sensitive: a [domain_realm] entry `.example.com = example.com`
    // sends the request to a realm that does not exist ("krbtgt/example.com@EXAMPLE.COM", in
    // Heimdal's words "Server (krbtgt/example.com@EXAMPLE.COM) unknown"). No `i` flag: the
    // lower case of the realm is the point, and MIT's and Heimdal's own words start upper case.
    ...LOWER_CASE_REALM,
    pattern: /[Ss]erver \(?krbtgt\/(?<realm>[^@\s]*[a-z][^@\s]*)@[^)\s]+(?: not found in Kerberos database|\) unknown)/,
  },
  { ...LOWER_CASE_REALM, pattern: /[Cc]annot find KDC for (?:requested )?realm "?(?<realm>[^"\s]*[a-z][^"\s]*)"?/ },
];

// Heimdal's own words (Debian's Heimdal 7.8 GSS-API, the closest to macOS GSS.framework that
// runs on Linux). Heimdal wraps the library error as "Miscellaneous failure (see text): <text> (<principal>)",
// and passes an MIT KDC's status word (LOOKING_UP_SERVER) through in place of the error name.
const HEIMDAL_RULES: readonly GssRule[] = [
  {
    // Heimdal finds no TGT that is still valid: it checks the expiry itself, locally.
    code: 'ERR_KERBEROS_EXPIRED',
    pattern: /Matching credential not found \(krbtgt\//,
    cause: 'your ticket-granting ticket has expired',
    fix: 'run `kinit` again (or renew it with `kinit -R`)',
  },
  {
    // An MIT KDC's status word when the TGT sent with a service-ticket request does not
    // validate: expired by the KDC's clock, or issued before the realm's krbtgt key changed.
    // Heimdal quotes it as "PROCESS_TGS (HTTP/h@R)", MIT as "KDC returned error string: PROCESS_TGS".
    code: 'ERR_KERBEROS_EXPIRED',
    pattern: /\bPROCESS_TGS\b/,
    cause:
      'the KDC refused your ticket-granting ticket (expired by its clock, or older than a change of the realm key)',
    fix: 'get a new ticket with `kinit`',
  },
  {
    code: 'ERR_KERBEROS_NO_CREDENTIALS',
    pattern: /get-principal lstat\((?<path>[^)]*)\)|No credentials cache file found/,
    cause: 'there is no credential cache file',
    fix: 'run `kinit` (check `klist` and that KRB5CCNAME names the cache you mean)',
  },
  {
    code: 'ERR_KERBEROS_NO_CREDENTIALS',
    pattern: /Empty credential cache file/,
    cause: 'the credential cache file is empty',
    fix: 'run `kinit` to fill it (check `klist` and KRB5CCNAME)',
  },
  {
    // MIT accepts a 0644 cache; Heimdal (and so macOS) refuses to read it.
    code: 'ERR_KERBEROS_NO_CREDENTIALS',
    pattern: /Refuses to open group\/other readable files (?:FILE:)?(?<path>\S+)/,
    cause: 'Heimdal refuses a credential cache that other users can read',
    fix: 'make the cache private: `chmod 600 {path}` (and create caches with umask 077)',
  },
  {
    // Heimdal also refuses a FILE cache that is a symbolic link (or a folder: it says
    // "symlinks" then too), a hard link, or a file another user owns; MIT reads them.
    code: 'ERR_KERBEROS_NO_CREDENTIALS',
    pattern:
      /Refuses to open (?:symlinks for caches|non files caches:|possible symlink for caches:|hardlinks for caches|cache files not own by myself) (?:FILE:)?(?<path>\S+)/,
    cause: 'Heimdal refuses a credential cache that is not a regular file of your own',
    fix: 'point KRB5CCNAME at the cache file itself, not a link to it or a folder, owned by the user the process runs as (`ls -l {path}`), or run `kinit` for a new one',
  },
  {
    // "Server (krbtgt/OTHER@MINE) unknown": no cross-realm key towards the service's realm.
    code: 'ERR_KERBEROS_WRONG_REALM',
    pattern: /Server \(krbtgt\/\S+\) unknown/,
    fix: NO_TRUST_PATH,
  },
  {
    // "Server (HTTP/h@MINE) unknown (HTTP/h@OTHER)": krb5.conf put the service in OTHER, the
    // KDC of MINE knows no way there and does not know the name in its own realm either.
    code: 'ERR_KERBEROS_WRONG_REALM',
    pattern: /Server \(\S+@(?<asked>[^)\s]+)\) unknown \(\S+@(?!\k<asked>\))(?<realm>[^)\s]+)\)/,
    cause: 'krb5.conf maps the host to another realm than yours, and your KDC knows no way there',
    fix: 'if the service is in {asked}, map its host there in [domain_realm] of krb5.conf (KRB5_CONFIG); if it is in {realm}, ask for a cross-realm trust',
  },
  {
    // MIT's client against a Heimdal KDC names no principal, for an unknown SPN and for a
    // realm it has no trust to alike (Heimdal's KDC sends no text MIT would quote).
    code: 'ERR_KERBEROS_UNKNOWN_SPN',
    pattern: NAMELESS_NOT_FOUND,
    fix: `the KDC does not know the service principal {spn}, or (Active Directory) finds it on two accounts: check the URL host is the name the service is registered under, or set the \`spn\` option; if krb5.conf maps the host to another realm ([domain_realm]), your realm has no trust path there${DUPLICATE_SPN}`,
  },
  {
    code: 'ERR_KERBEROS_UNKNOWN_SPN',
    pattern: /Server \((?<principal>\S+)\) unknown|LOOKING_UP_SERVER \((?<asked>[^)\s]+)\)/,
    fix: `the KDC does not know the service principal {spn}, or (Active Directory) finds it on two accounts: check the URL host is the name the service is registered under (not an alias or IP), or set the \`spn\` option to the registered name; a realm after @ that is not yours means krb5.conf maps the host there ([domain_realm])${DUPLICATE_SPN}`,
  },
];

// MIT krb5's words ("Unspecified GSS failure. Minor code may provide more information: Ticket
// expired") and the SSPI status names.
const COMMON_RULES: readonly GssRule[] = [
  {
    code: 'ERR_KERBEROS_EXPIRED',
    pattern: /ticket expired|credentials? (?:have |has )?expired|KRB5KRB_AP_ERR_TKT_EXPIRED|SEC_E_CONTEXT_EXPIRED/i,
    fix: 'your Kerberos ticket has expired: run `kinit` again (or renew it with `kinit -R`)',
  },
  {
    code: 'ERR_KERBEROS_NO_CREDENTIALS',
    pattern:
      /no kerberos credentials available|no credentials (?:were supplied|cache found)|credentials cache (?:file '[^']*' )?not found|matching credential not found|can't find client principal|SEC_E_NO_CREDENTIALS/i,
    fix: 'there is no usable Kerberos ticket: run `kinit` (check `klist` and KRB5CCNAME), or set KRB5_CLIENT_KTNAME to a client keytab for a service account',
  },
  {
    // The KDC has no cross-realm key towards the service's realm: "Server krbtgt/OTHER@MINE
    // not found in Kerberos database". Before UNKNOWN_SPN, which the same wording would match.
    code: 'ERR_KERBEROS_WRONG_REALM',
    pattern: /server krbtgt\/\S+ not found in kerberos database/i,
    fix: NO_TRUST_PATH,
  },
  {
    // An SPN registered on two AD accounts gets the same answer from the KDC as a missing one.
    code: 'ERR_KERBEROS_UNKNOWN_SPN',
    pattern: /server (?:\S+ )?not found in kerberos database|KDC_ERR_S_PRINCIPAL_UNKNOWN|SEC_E_TARGET_UNKNOWN/i,
    fix: `the KDC does not know the service principal {spn}, or (Active Directory) finds it on two accounts: check the URL host is the name the service is registered under (not an alias or IP), or set the \`spn\` option to the registered name${DUPLICATE_SPN}`,
  },
  {
    code: 'ERR_KERBEROS_CLOCK_SKEW',
    pattern: /clock skew too great|KRB5KRB_AP_ERR_SKEW|SEC_E_TIME_SKEW/i,
    fix: "this machine's clock differs too much from the KDC's: synchronise it (NTP, chrony, w32time)",
    serverFix:
      "the server's clock differs from this machine's (and the KDC's) by more than the allowed skew, or the request took that long to arrive: synchronise the server's clock (NTP, chrony, w32time)",
  },
  {
    code: 'ERR_KERBEROS_KDC_UNREACHABLE',
    pattern: /cannot contact any kdc|unable to reach any kdc|SEC_E_NO_AUTHENTICATING_AUTHORITY/i,
    fix: 'no KDC answered: check the network path to the KDC and the `kdc` lines of the realm in krb5.conf (KRB5_CONFIG)',
  },
  {
    code: 'ERR_KERBEROS_WRONG_REALM',
    pattern:
      /cannot find kdc for (?:requested )?realm|no route to (?:the )?realm|configuration file does not specify default realm|cannot determine realm|realm not local to kdc|KDC_ERR_WRONG_REALM|TGT has been revoked/i,
    fix: 'the realm of {spn} cannot be reached from your ticket: check [domain_realm] and [realms] in krb5.conf (KRB5_CONFIG) and cross-realm trust',
  },
];

// SSPI on Windows. The `kerberos` addon (7.0.0, src/win32/kerberos_sspi.cc) reports a failed
// call as "<SSPI function>: <FormatMessage text of the SECURITY_STATUS>", for example
// "InitializeSecurityContext: The clocks on the client and server machines are skewed.", and
// never the constant's name. The texts are Microsoft's (winerror.h, "COM Error Codes (Security
// and Setup)"); FormatMessage gives them in the user's language, so only English Windows
// matches here, and the others get ERR_KERBEROS_GSS with the text as it came. SSPI uses the
// logged-on user's tickets: no kinit, no krb5.conf.
const SSPI_CALL = '^(?:AcquireCredentialsHandle|InitializeSecurityContext): ';

/** The SSPI failure whose FormatMessage text starts with `text`. */
function sspi(text: string): RegExp {
  return new RegExp(SSPI_CALL + text);
}

const SSPI_RULES: readonly GssRule[] = [
  {
    // SEC_E_NO_CREDENTIALS (0x8009030E): a local account, or a logon without Kerberos tickets.
    code: 'ERR_KERBEROS_NO_CREDENTIALS',
    pattern: sspi('No credentials are available in the security package'),
    cause: 'Windows has no Kerberos credentials for the user this process runs as',
    fix: 'run the process as a domain user (log on with a domain account, or `runas /user:DOMAIN\\user`); a local account has no Kerberos tickets; `klist` lists those of the logon',
  },
  {
    // SEC_E_TARGET_UNKNOWN (0x80090303): the KDC has no account for the SPN.
    code: 'ERR_KERBEROS_UNKNOWN_SPN',
    pattern: sspi('The specified target is unknown or unreachable'),
    fix: `the domain does not know the service principal {spn}, or finds it on two accounts: check the URL host is the name the service is registered under (not an alias or IP), or set the \`spn\` option to the registered name; \`setspn -Q {spn}\` shows which account holds it and \`setspn -X\` lists duplicates`,
  },
  {
    // SEC_E_WRONG_PRINCIPAL (0x80090322): the server sent back an error token saying it could
    // not decrypt the ticket the KDC issued for the SPN (KRB_AP_ERR_MODIFIED): the key it holds
    // is not that of the account the KDC found the SPN on.
    code: 'ERR_KERBEROS_REJECTED',
    pattern: sspi('The target principal name is incorrect'),
    cause:
      'the service could not decrypt its ticket: the SPN is registered on another account than the one the service runs as, or its key changed',
    fix: "`setspn -Q {spn}` shows which account holds the SPN: register it on the account the service runs as (and only there, `setspn -X` lists duplicates), or update the service's keytab",
  },
  {
    // SEC_E_TIME_SKEW (0x80090324).
    code: 'ERR_KERBEROS_CLOCK_SKEW',
    pattern: sspi('The clocks on the client and server machines are skewed'),
    fix: "this machine's clock differs too much from the domain controller's: synchronise it (`w32tm /resync`)",
    serverFix:
      "the server's clock differs from this machine's (and the domain controller's) by more than the allowed skew: synchronise the server's clock (NTP, chrony, w32time)",
  },
  {
    // SEC_E_NO_AUTHENTICATING_AUTHORITY (0x80090311) and SEC_E_DOWNGRADE_DETECTED (0x80090350),
    // whose text in winerror.h says what it means today.
    code: 'ERR_KERBEROS_KDC_UNREACHABLE',
    pattern: sspi(
      '(?:No authority could be contacted for authentication|The system cannot contact a domain controller to service the authentication request)',
    ),
    fix: 'no domain controller answered: check the network path to a domain controller of your domain (`nltest /dsgetdc:<domain>` finds one)',
  },
  {
    // SEC_E_CONTEXT_EXPIRED (0x80090317).
    code: 'ERR_KERBEROS_EXPIRED',
    pattern: sspi('The context has expired and can no longer be used'),
    fix: 'your Kerberos ticket has expired: `klist purge` drops the tickets of the logon so that Windows gets new ones (or log off and on again)',
  },
  {
    // SEC_E_KDC_UNABLE_TO_REFER (0x80090341): no referral towards the service's domain.
    code: 'ERR_KERBEROS_WRONG_REALM',
    pattern: sspi('The KDC was unable to generate a referral for the service requested'),
    fix: 'your domain has no trust path to the domain (realm) of {spn}: check the host belongs to a domain your domain trusts, or ask for a trust',
  },
];

export const GSS_RULES: readonly GssRule[] = [...KDC_CAUSE_RULES, ...HEIMDAL_RULES, ...COMMON_RULES, ...SSPI_RULES];

/**
 * The library's general advice for `code` (the rule for no particular wording, else the first),
 * for tools that find the same cause another way (`doctor`).
 */
export function adviceFor(code: KerberosErrorCode): string | undefined {
  const rules = GSS_RULES.filter((rule) => rule.code === code);
  return (rules.find((rule) => rule.cause === undefined) ?? rules[0])?.fix;
}

/** Where the GSS error came from: minting our token, or stepping the server's token. */
export type GssErrorSource = 'client' | 'server';

/**
 * Turns an error from the native binding (a plain `Error` carrying a GSS message) into a
 * `KerberosAuthError` whose code, message and `fix` say what is wrong and how to fix it. The
 * GSS error stays available as `cause`. Tokens never reach this function's output: the
 * native messages do not contain them, and nothing else is copied in.
 */
export function classifyGssError(
  error: unknown,
  spn: string,
  host: string | undefined,
  source: GssErrorSource = 'client',
): KerberosAuthError {
  if (error instanceof KerberosAuthError) return error;
  // Heimdal's messages start with a space; the binding joins major and minor status with it.
  const native = messageOf(error).trim();
  const { rule, groups } = findRule(native);
  const code = rule?.code ?? 'ERR_KERBEROS_GSS';
  groups.spn = spn;
  const template = (source === 'server' ? rule?.serverFix : undefined) ?? rule?.fix;
  const fix = (template ?? 'see the GSS message above and docs/errors.md').replace(
    /\{(\w+)\}/g,
    (placeholder, name: string) => groups[name] ?? placeholder,
  );
  const what = rule?.cause === undefined ? native : `${rule.cause} (${native})`;
  const where = host === undefined ? `SPN ${spn}` : `${host} (SPN ${spn})`;
  return new KerberosAuthError(code, `Kerberos authentication to ${where} failed: ${what}.`, {
    cause: error,
    spn,
    host,
    fix,
  });
}

/** The first rule whose pattern matches, with the pattern's named groups. */
function findRule(native: string): { rule: GssRule | undefined; groups: Record<string, string | undefined> } {
  for (const rule of GSS_RULES) {
    const match = rule.pattern.exec(native);
    if (match !== null) return { rule, groups: { ...match.groups } };
  }
  return { rule: undefined, groups: {} };
}

/**
 * The fix for a server that refused our token. A server holding SPNEGO credentials only
 * (Tomcat's SpnegoAuthenticator: "No credential found for: 1.2.840.113554.1.2.2 usage:
 * Accept") refuses a raw krb5 token, and says so only in its own log.
 */
export function rejectedFix(mechanism: Mechanism): string {
  const keytab =
    "check that the server's keytab holds this SPN with the current key version (kvno), that your principal is authorised there, and run `klist` to see your tickets";
  return mechanism === 'kerberos'
    ? `the server may accept SPNEGO only: use \`mechanism: 'spnego'\` (the default); otherwise ${keytab}`
    : keytab;
}
