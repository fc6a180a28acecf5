import type { KerberosErrorCode } from './codes';
import { KerberosAuthError } from './kerberos-auth-error';

interface Rule {
  code: KerberosErrorCode;
  /** Matched against the GSS message of the native binding (MIT krb5, Heimdal, SSPI wording). */
  pattern: RegExp;
  /** What happened, in plain words, when the native message does not say it plainly. */
  cause?: string;
  /**
   * Tells the user what to do. `{spn}` is replaced by the service principal name, and
   * `{name}` by the pattern's named group `name` (a path or principal from the message).
   */
  fix: string;
}

// Heimdal's own words (Debian's Heimdal 7.8 GSS-API, the closest to macOS GSS.framework that
// runs on Linux), checked before the MIT/SSPI rules: they are distinctive, and some contain
// MIT phrases with another meaning ("Matching credential not found" for an expired TGT).
// Heimdal wraps the library error as "Miscellaneous failure (see text): <text> (<principal>)",
// and passes an MIT KDC's status word (LOOKING_UP_SERVER) through in place of the error name.
const HEIMDAL_RULES: readonly Rule[] = [
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
    fix: 'your realm has no trust path to the realm krb5.conf maps {spn} to: check [domain_realm] in krb5.conf (KRB5_CONFIG), or ask for a cross-realm trust',
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
    pattern: /(?:^|: )Server not found in Kerberos database/,
    fix: 'the KDC does not know the service principal {spn}: check the URL host is the name the service is registered under, or set the `spn` option; if krb5.conf maps the host to another realm ([domain_realm]), your realm has no trust path there',
  },
  {
    code: 'ERR_KERBEROS_UNKNOWN_SPN',
    pattern: /Server \((?<principal>\S+)\) unknown|LOOKING_UP_SERVER \((?<asked>[^)\s]+)\)/,
    fix: 'the KDC does not know the service principal {spn}: check the URL host is the name the service is registered under (not an alias or IP), or set the `spn` option to the registered name; a realm after @ that is not yours means krb5.conf maps the host there ([domain_realm])',
  },
];

// Order matters: the first match wins, and the native message often contains several
// phrases ("Unspecified GSS failure. Minor code may provide more information: Ticket expired").
const RULES: readonly Rule[] = [
  ...HEIMDAL_RULES,
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
    fix: 'your realm has no trust path to the realm krb5.conf maps {spn} to: check [domain_realm] in krb5.conf (KRB5_CONFIG), or ask for a cross-realm trust',
  },
  {
    code: 'ERR_KERBEROS_UNKNOWN_SPN',
    pattern: /server (?:\S+ )?not found in kerberos database|KDC_ERR_S_PRINCIPAL_UNKNOWN|SEC_E_TARGET_UNKNOWN/i,
    fix: 'the KDC does not know the service principal {spn}: check the URL host is the name the service is registered under (not an alias or IP), or set the `spn` option to the registered name',
  },
  {
    code: 'ERR_KERBEROS_CLOCK_SKEW',
    pattern: /clock skew too great|KRB5KRB_AP_ERR_SKEW|SEC_E_TIME_SKEW/i,
    fix: "this machine's clock differs too much from the KDC's: synchronise it (NTP, chrony, w32time)",
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

/**
 * Turns an error from the native binding (a plain `Error` carrying a GSS message) into a
 * `KerberosAuthError` whose code and message say what is wrong and how to fix it. The GSS
 * error stays available as `cause`. Tokens never reach this function's output: the
 * native messages do not contain them, and nothing else is copied in.
 */
export function classifyGssError(error: unknown, spn: string, host: string | undefined): KerberosAuthError {
  if (error instanceof KerberosAuthError) return error;
  // Heimdal's messages start with a space; the binding joins major and minor status with it.
  const native = (error instanceof Error ? error.message : String(error)).trim();
  const { rule, groups } = findRule(native);
  const code = rule?.code ?? 'ERR_KERBEROS_GSS';
  groups.spn = spn;
  const fix = (rule?.fix ?? 'see the GSS message above and docs/errors.md').replace(
    /\{(\w+)\}/g,
    (placeholder, name: string) => groups[name] ?? placeholder,
  );
  const what = rule?.cause === undefined ? native : `${rule.cause} (${native})`;
  const where = host === undefined ? `SPN ${spn}` : `${host} (SPN ${spn})`;
  return new KerberosAuthError(code, `Kerberos authentication to ${where} failed: ${what}. Fix: ${fix}.`, {
    cause: error,
    spn,
    host,
  });
}

/** The first rule whose pattern matches, with the pattern's named groups. */
function findRule(native: string): { rule: Rule | undefined; groups: Record<string, string | undefined> } {
  for (const rule of RULES) {
    const match = rule.pattern.exec(native);
    if (match !== null) return { rule, groups: { ...match.groups } };
  }
  return { rule: undefined, groups: {} };
}
