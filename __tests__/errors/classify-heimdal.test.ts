import { classifyGssError } from '../../lib/errors/classify';

// Verbatim messages of the `kerberos` addon built against Debian's Heimdal 7.8 GSS-API
// (scripts/heimdal.sh addon), with raw krb5 as the mechanism, each produced by its real cause
// against the test realms: the MIT KDC of scripts/realm.sh (AK.TEST), the Heimdal KDC of
// scripts/heimdal.sh (HK.TEST) and the Samba AD DC of scripts/ad-realm.sh (AD.AK.TEST). The
// leading space is the addon's: it joins major and minor status with one, and Heimdal's major
// text is empty.
const HEIMDAL: [cause: string, message: string, code: string, fixPart: RegExp][] = [
  [
    'no cache file at KRB5CCNAME',
    ' Miscellaneous failure (see text): get-principal lstat(/tmp/hk/none.cc)',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /kinit/,
  ],
  [
    'an empty cache file (mode 0600)',
    ' Miscellaneous failure (see text): Empty credential cache file: /tmp/hk/empty.cc',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /kinit/,
  ],
  [
    'a cache file others can read (mode 0644)',
    ' Miscellaneous failure (see text): Refuses to open group/other readable files FILE:/tmp/hk/open.cc',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /chmod 600 \/tmp\/hk\/open\.cc/,
  ],
  [
    'a cache path that is a symbolic link',
    ' Miscellaneous failure (see text): Refuses to open symlinks for caches FILE:/tmp/hk/link.cc',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /not a link.*ls -l \/tmp\/hk\/link\.cc/,
  ],
  [
    'a cache path that is a folder',
    ' Miscellaneous failure (see text): Refuses to open symlinks for caches FILE:/tmp/hk/emptydir/',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /folder/,
  ],
  [
    'a cache file another user owns',
    ' Miscellaneous failure (see text): Refuses to open cache files not own by myself FILE:/tmp/hk/other.cc (owned by 33)',
    'ERR_KERBEROS_NO_CREDENTIALS',
    /ls -l \/tmp\/hk\/other\.cc/,
  ],
  [
    'an expired TGT',
    ' Miscellaneous failure (see text): Matching credential not found (krbtgt/AK.TEST@AK.TEST) (HTTP/localhost@AK.TEST)',
    'ERR_KERBEROS_EXPIRED',
    /kinit/,
  ],
  [
    'a TGT the MIT KDC cannot use (issued before the krbtgt key changed)',
    ' Miscellaneous failure (see text): PROCESS_TGS (HTTP/localhost@AK.TEST)',
    'ERR_KERBEROS_EXPIRED',
    /kinit/,
  ],
  [
    'an SPN the MIT KDC does not know',
    ' Miscellaneous failure (see text): LOOKING_UP_SERVER (HTTP/nosuch.example.test@AK.TEST)',
    'ERR_KERBEROS_UNKNOWN_SPN',
    /spn/,
  ],
  [
    'an SPN the Heimdal KDC does not know',
    ' Miscellaneous failure (see text): Server (HTTP/nosuch.example.test@HK.TEST) unknown (HTTP/nosuch.example.test@HK.TEST)',
    'ERR_KERBEROS_UNKNOWN_SPN',
    /spn/,
  ],
  [
    'a host krb5.conf maps to a realm the Heimdal KDC has no trust to',
    ' Miscellaneous failure (see text): Server (HTTP/x.other.test@HK.TEST) unknown (HTTP/x.other.test@OTHER.TEST)',
    'ERR_KERBEROS_WRONG_REALM',
    /\[domain_realm\].*OTHER\.TEST/,
  ],
  [
    'an AD account disabled after its TGT was issued (Samba AD DC)',
    ' Miscellaneous failure (see text): KDC policy rejects request (HTTP/localhost@AD.AK.TEST)',
    'ERR_KERBEROS_KDC_POLICY',
    /domain administrator/,
  ],
  [
    'an AD password that must be changed, with a TGT from before (Samba AD DC)',
    ' Miscellaneous failure (see text): Password has expired (HTTP/localhost@AD.AK.TEST)',
    'ERR_KERBEROS_PASSWORD_EXPIRED',
    /kpasswd/,
  ],
  [
    'an SPN registered on two AD accounts (Samba AD DC)',
    ' Miscellaneous failure (see text): Server (HTTP/dup.ad.ak.test@AD.AK.TEST) unknown (HTTP/dup.ad.ak.test@AD.AK.TEST)',
    'ERR_KERBEROS_UNKNOWN_SPN',
    /setspn -Q .*setspn -X/,
  ],
  [
    'a stopped KDC',
    ' Miscellaneous failure (see text): unable to reach any KDC in realm AK.TEST (HTTP/127.0.0.1@AK.TEST)',
    'ERR_KERBEROS_KDC_UNREACHABLE',
    /KDC/,
  ],
  [
    'a server token that arrived outside the clock-skew window',
    ' Miscellaneous failure (see text): Clock skew too great',
    'ERR_KERBEROS_CLOCK_SKEW',
    /clock/,
  ],
];

describe('classifyGssError with Heimdal messages', () => {
  it.each(HEIMDAL)('names the cause of %s', (_cause, message, code, fixPart) => {
    const error = classifyGssError(new Error(message), 'HTTP@h.example', 'h.example');
    expect(error.code).toBe(code);
    expect(error.message).toContain(message.trim());
    expect(error.message.slice(error.message.indexOf(' Fix: '))).toMatch(fixPart);
  });

  it('reads a "Server (…) unknown" naming the same realm twice as an unknown SPN, not a realm problem', () => {
    const error = classifyGssError(new Error(' Server (HTTP/a@R.TEST) unknown (HTTP/a@R.TEST)'), 'HTTP@a', 'a');
    expect(error.code).toBe('ERR_KERBEROS_UNKNOWN_SPN');
  });

  it('reads a missing cross-realm krbtgt in Heimdal words as a wrong realm', () => {
    const error = classifyGssError(new Error(' Server (krbtgt/OTHER.TEST@AK.TEST) unknown'), 'HTTP@a', 'a');
    expect(error.code).toBe('ERR_KERBEROS_WRONG_REALM');
  });

  it('reads MIT’s quote of the same KDC status word alike', () => {
    const message =
      'Unspecified GSS failure.  Minor code may provide more information: KDC returned error string: PROCESS_TGS';
    expect(classifyGssError(new Error(message), 'HTTP@a', 'a').code).toBe('ERR_KERBEROS_EXPIRED');
  });

  it('keeps SPNEGO’s opaque failure generic: it names no cause', () => {
    const message = ' An unsupported mechanism was requested: unknown mech-code 0 for mech unknown';
    expect(classifyGssError(new Error(message), 'HTTP@a', 'a').code).toBe('ERR_KERBEROS_GSS');
  });
});
