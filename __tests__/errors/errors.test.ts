import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../lib/errors/codes';
import { GSS_RULES, adviceFor, classifyGssError, rejectedFix } from '../../lib/errors/classify';
import { KerberosAuthError, isKerberosAuthError } from '../../lib/errors/kerberos-auth-error';
import { MutualAuthenticationError } from '../../lib/errors/mutual-authentication-error';

const TOKEN = 'Negotiate YIICsecrettokenvalue==';

describe('KerberosAuthError', () => {
  it('has a name, a stable code, the cause, the host and the SPN', () => {
    const cause = new Error('gss');
    const error = new KerberosAuthError('ERR_KERBEROS_REJECTED', 'msg', { cause, spn: 'HTTP@h', host: 'h' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'KerberosAuthError', code: 'ERR_KERBEROS_REJECTED', spn: 'HTTP@h', host: 'h' });
    expect(error.cause).toBe(cause);
  });

  it('keeps the config and response out of inspect, JSON and enumeration, so tokens never reach logs', () => {
    const config = { headers: new AxiosHeaders({ Authorization: TOKEN }) } as InternalAxiosRequestConfig;
    const response = { config, status: 401, statusText: '', headers: {}, data: '' } as AxiosResponse;
    const error = new KerberosAuthError('ERR_KERBEROS_REJECTED', 'msg', { config, response });
    expect(error.config).toBe(config);
    expect(inspect(error, { depth: 10 })).not.toContain('secrettoken');
    expect(JSON.stringify(error)).not.toContain('secrettoken');
    expect(Object.keys(error)).not.toContain('config');
  });

  it('is recognised by isKerberosAuthError, also from another copy of the package', () => {
    expect(isKerberosAuthError(new MutualAuthenticationError('m'))).toBe(true);
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('axios-kerberos.error'), { value: true });
    expect(isKerberosAuthError(foreign)).toBe(true);
    expect(isKerberosAuthError(new Error('x'))).toBe(false);
    expect(isKerberosAuthError(null)).toBe(false);
  });

  it('carries the fix as a field and ends the message with it', () => {
    const error = new KerberosAuthError('ERR_KERBEROS_TIMEOUT', 'It timed out.', { fix: 'raise `timeout`' });
    expect(error.fix).toBe('raise `timeout`');
    expect(error.message).toBe('It timed out. Fix: raise `timeout`.');
    expect(new KerberosAuthError('ERR_KERBEROS_OPTIONS', 'Bad.').fix).toBeUndefined();
  });

  it('answers instanceof for an error of another copy of the package, by its brand', () => {
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('axios-kerberos.error'), { value: true });
    Object.assign(foreign, { code: 'ERR_KERBEROS_MUTUAL_AUTH' });
    expect(foreign instanceof KerberosAuthError).toBe(true);
    expect(foreign instanceof MutualAuthenticationError).toBe(true);
    expect(new Error('x') instanceof KerberosAuthError).toBe(false);
    expect(new KerberosAuthError('ERR_KERBEROS_GSS', 'm') instanceof MutualAuthenticationError).toBe(false);
  });

  it('makes MutualAuthenticationError a subclass with code ERR_KERBEROS_MUTUAL_AUTH', () => {
    const error = new MutualAuthenticationError('m');
    expect(error).toBeInstanceOf(KerberosAuthError);
    expect(error).toMatchObject({ name: 'MutualAuthenticationError', code: 'ERR_KERBEROS_MUTUAL_AUTH' });
  });
});

describe('classifyGssError', () => {
  const cases: [string, string][] = [
    ['No Kerberos credentials available (default cache: FILE:/tmp/x)', 'ERR_KERBEROS_NO_CREDENTIALS'],
    ["Credentials cache file '/tmp/krb5cc_0' not found", 'ERR_KERBEROS_NO_CREDENTIALS'],
    ['Unspecified GSS failure.  Minor code may provide more information: Ticket expired', 'ERR_KERBEROS_EXPIRED'],
    ['Server not found in Kerberos database', 'ERR_KERBEROS_UNKNOWN_SPN'],
    ["Cannot contact any KDC for realm 'AK.TEST'", 'ERR_KERBEROS_KDC_UNREACHABLE'],
    ['Clock skew too great', 'ERR_KERBEROS_CLOCK_SKEW'],
    ["Cannot find KDC for realm 'OTHER.TEST'", 'ERR_KERBEROS_WRONG_REALM'],
    ['Server krbtgt/OTHER.TEST@AK.TEST not found in Kerberos database', 'ERR_KERBEROS_WRONG_REALM'],
    ['Server HTTP/unknown.example@AK.TEST not found in Kerberos database', 'ERR_KERBEROS_UNKNOWN_SPN'],
    ['Something nobody has seen before', 'ERR_KERBEROS_GSS'],
  ];
  it.each(cases)('maps "%s" to %s', (message, code) => {
    const error = classifyGssError(new Error(message), 'HTTP@h.example', 'h.example');
    expect(error.code).toBe(code);
    expect(error.message).toContain('HTTP@h.example');
    expect(error.message).toContain('Fix:');
    expect(error.message.endsWith(`Fix: ${error.fix}.`)).toBe(true);
  });

  // Recorded from MIT krb5 1.20 against a Samba 4.17 AD DC, each produced by its real cause.
  const recorded: [string, string, string, RegExp][] = [
    [
      'a disabled account (client keytab)',
      "No credentials were supplied, or the credentials were unavailable or inaccessible: Client's credentials have been revoked",
      'ERR_KERBEROS_ACCOUNT_REVOKED',
      /enable or unlock the account/,
    ],
    [
      'a disabled account (TGT from before)',
      'Unspecified GSS failure.  Minor code may provide more information: KDC policy rejects request',
      'ERR_KERBEROS_KDC_POLICY',
      /domain administrator to check the account/,
    ],
    [
      'an expired password (client keytab)',
      'No credentials were supplied, or the credentials were unavailable or inaccessible: Password has expired',
      'ERR_KERBEROS_PASSWORD_EXPIRED',
      /change the password/,
    ],
    [
      'an expired password (TGT from before)',
      'Unspecified GSS failure.  Minor code may provide more information: Password has expired',
      'ERR_KERBEROS_PASSWORD_EXPIRED',
      /kpasswd/,
    ],
    [
      'a client keytab older than a password change',
      'No credentials were supplied, or the credentials were unavailable or inaccessible: Preauthentication failed',
      'ERR_KERBEROS_PREAUTH_FAILED',
      /new client keytab/,
    ],
    [
      'an SPN registered on two accounts',
      'Unspecified GSS failure.  Minor code may provide more information: Server not found in Kerberos database',
      'ERR_KERBEROS_UNKNOWN_SPN',
      /setspn -Q .*setspn -X/,
    ],
    [
      'a lower-case realm in [domain_realm]',
      'Unspecified GSS failure.  Minor code may provide more information: Server krbtgt/ak.test@AK.TEST not found in Kerberos database',
      'ERR_KERBEROS_WRONG_REALM',
      /case-sensitive.*realm `ak\.test`/,
    ],
  ];
  it.each(recorded)('names the real cause of %s', (_cause, message, code, fix) => {
    const error = classifyGssError(new Error(message), 'HTTP@h.example', 'h.example');
    expect(error.code).toBe(code);
    expect(error.fix).toMatch(fix);
    expect(error.message).toContain(message);
  });

  it("blames the server's clock when the skew came back in the server's token", () => {
    const message = 'Unspecified GSS failure.  Minor code may provide more information: Clock skew too great';
    expect(classifyGssError(new Error(message), 'HTTP@h', 'h').fix).toMatch(/^this machine's clock/);
    expect(classifyGssError(new Error(message), 'HTTP@h', 'h', 'server').fix).toMatch(/^the server's clock/);
  });

  it('fills every placeholder of every rule: {spn} or a named group of its own pattern', () => {
    for (const rule of GSS_RULES) {
      const groups = new Set([...rule.pattern.source.matchAll(/\(\?<(\w+)>/g)].map((m) => m[1]));
      for (const [, name] of `${rule.fix} ${rule.serverFix ?? ''}`.matchAll(/\{(\w+)\}/g)) {
        expect(name === 'spn' || groups.has(name)).toBe(true);
      }
    }
  });

  it("reads a lower-case realm in Heimdal's words as a case problem, before its cross-realm rule", () => {
    const error = classifyGssError(new Error(' Server (krbtgt/hk.test@HK.TEST) unknown'), 'HTTP@h', 'h');
    expect(error.code).toBe('ERR_KERBEROS_WRONG_REALM');
    expect(error.fix).toMatch(/case-sensitive.*realm `hk\.test`/);
    const upper = classifyGssError(new Error(' Server (krbtgt/OTHER.TEST@HK.TEST) unknown'), 'HTTP@h', 'h');
    expect(upper.fix).toMatch(/no trust path/);
  });

  it('names a KDC refusal by its cause whichever implementation words it', () => {
    // Heimdal writes KDC_ERR_CLIENT_REVOKED without the apostrophe.
    const heimdal = ' Miscellaneous failure (see text): Clients credentials have been revoked';
    expect(classifyGssError(new Error(heimdal), 'HTTP@h', 'h').code).toBe('ERR_KERBEROS_ACCOUNT_REVOKED');
    expect(classifyGssError(new Error('SEC_E_PASSWORD_EXPIRED'), 'HTTP@h', 'h').code).toBe(
      'ERR_KERBEROS_PASSWORD_EXPIRED',
    );
  });

  it("gives doctor the general advice of a code, not one implementation's special case", () => {
    expect(adviceFor('ERR_KERBEROS_NO_CREDENTIALS')).toMatch(/KRB5_CLIENT_KTNAME/);
    expect(adviceFor('ERR_KERBEROS_EXPIRED')).toMatch(/kinit -R/);
    expect(adviceFor('ERR_KERBEROS_ACCOUNT_REVOKED')).toMatch(/enable or unlock/);
  });

  it('passes an existing KerberosAuthError through', () => {
    const original = new KerberosAuthError('ERR_KERBEROS_TIMEOUT', 't');
    expect(classifyGssError(original, 'HTTP@h', 'h')).toBe(original);
  });
});

describe('rejectedFix', () => {
  it('says a raw krb5 token may meet a SPNEGO-only server', () => {
    expect(rejectedFix('kerberos')).toMatch(/^the server may accept SPNEGO only: use `mechanism: 'spnego'`/);
    expect(rejectedFix('spnego')).toMatch(/^check that the server's keytab/);
  });
});

describe('docs/errors.md', () => {
  it('has a row for every error code', () => {
    const table = readFileSync(join(__dirname, '../../docs/errors.md'), 'utf8');
    for (const code of ERROR_CODES) expect(table).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|`));
  });
});
