import { adviceFor, classifyGssError } from '../../lib/errors/classify';

// SSPI failures in the shape the `kerberos` addon (7.0.0) gives them on Windows: its
// src/win32/kerberos_sspi.cc joins the name of the failed call and the FormatMessage text of
// the SECURITY_STATUS as "<call>: <text>", and FormatMessage ends the text with CRLF. The texts
// are Microsoft's documented English messages (learn.microsoft.com, "COM Error Codes (Security
// and Setup)", from winerror.h). Built from that format string and those texts, not recorded on
// Windows: the project has no Windows machine. VS Code's Windows test of the same addon
// (microsoft/vscode, src/vs/platform/request/test/node/requestService.test.ts) expects two of
// them: "No authority could be contacted for authentication" and "No credentials are available
// in the security package".
const SSPI: [status: string, message: string, code: string, fixPart: RegExp][] = [
  [
    'SEC_E_NO_CREDENTIALS',
    'AcquireCredentialsHandle: No credentials are available in the security package\r\n',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /domain user.*runas/,
  ],
  [
    'SEC_E_NO_CREDENTIALS',
    'InitializeSecurityContext: No credentials are available in the security package\r\n',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /klist/,
  ],
  [
    'SEC_E_TARGET_UNKNOWN',
    'InitializeSecurityContext: The specified target is unknown or unreachable\r\n',
    'ERR_KERBEROS_UNKNOWN_SPN',
    /setspn -Q HTTP\/h\.example`.*setspn -X/,
  ],
  [
    'SEC_E_WRONG_PRINCIPAL',
    'InitializeSecurityContext: The target principal name is incorrect.\r\n',
    'ERR_KERBEROS_REJECTED',
    /setspn -Q HTTP\/h\.example.*account the service runs as/,
  ],
  [
    'SEC_E_TIME_SKEW',
    'InitializeSecurityContext: The clocks on the client and server machines are skewed.\r\n',
    'ERR_KERBEROS_CLOCK_SKEW',
    /w32tm \/resync/,
  ],
  [
    'SEC_E_NO_AUTHENTICATING_AUTHORITY',
    'InitializeSecurityContext: No authority could be contacted for authentication.\r\n',
    'ERR_KERBEROS_KDC_UNREACHABLE',
    /domain controller.*nltest/,
  ],
  [
    'SEC_E_DOWNGRADE_DETECTED',
    'InitializeSecurityContext: The system cannot contact a domain controller to service the authentication request. Please try again later.\r\n',
    'ERR_KERBEROS_KDC_UNREACHABLE',
    /nltest/,
  ],
  [
    'SEC_E_CONTEXT_EXPIRED',
    'InitializeSecurityContext: The context has expired and can no longer be used.\r\n',
    'ERR_KERBEROS_EXPIRED',
    /klist purge/,
  ],
  [
    'SEC_E_KDC_UNABLE_TO_REFER',
    'InitializeSecurityContext: The KDC was unable to generate a referral for the service requested.\r\n',
    'ERR_KERBEROS_WRONG_REALM',
    /no trust path .*HTTP\/h\.example/,
  ],
];

describe('classifyGssError with SSPI messages (Windows)', () => {
  it.each(SSPI)('names the cause of %s: %j', (_status, message, code, fixPart) => {
    const error = classifyGssError(new Error(message), 'HTTP/h.example', 'h.example');
    expect(error.code).toBe(code);
    expect(error.message).toContain(message.trim());
    expect(error.fix).toMatch(fixPart);
    // Windows has no kinit and no krb5.conf: the advice must not send the user there.
    expect(error.fix).not.toMatch(/kinit|krb5\.conf/);
  });

  it("blames the server's clock when the skew error came from stepping the server's token", () => {
    const message = 'InitializeSecurityContext: The clocks on the client and server machines are skewed.\r\n';
    const error = classifyGssError(new Error(message), 'HTTP/h.example', 'h.example', 'server');
    expect(error.fix).toMatch(/server's clock/);
  });

  it('keeps an SSPI status no code stands for generic, with its text', () => {
    // SEC_E_LOGON_DENIED: the text does not say which of several causes it was.
    const message = 'InitializeSecurityContext: The logon attempt failed\r\n';
    const error = classifyGssError(new Error(message), 'HTTP/h.example', 'h.example');
    expect(error.code).toBe('ERR_KERBEROS_GSS');
    expect(error.message).toContain('The logon attempt failed');
  });

  it('matches the text only after the SSPI call the addon names', () => {
    const error = classifyGssError(new Error('The specified target is unknown or unreachable'), 'HTTP/h', 'h');
    expect(error.code).toBe('ERR_KERBEROS_GSS');
  });

  it("leaves doctor's general advice to the GSS-API rules", () => {
    expect(adviceFor('ERR_KERBEROS_EXPIRED')).toMatch(/kinit -R/);
    expect(adviceFor('ERR_KERBEROS_CLOCK_SKEW')).toMatch(/NTP/);
    expect(adviceFor('ERR_KERBEROS_KDC_UNREACHABLE')).toMatch(/krb5\.conf/);
  });
});
