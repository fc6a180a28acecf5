import type { Krb5ConfigSource } from '../krb5-conf-files';
import { failed, passed, type Step } from './step';

/**
 * Check 1: the krb5 configuration in use and its default realm. Windows (SSPI) does not
 * read krb5.conf at all; macOS can work without one (realms from DNS), so a missing file is
 * only a failure where MIT krb5 needs it.
 */
export function checkKrb5Config(source: Krb5ConfigSource, platform: NodeJS.Platform): Step {
  if (platform === 'win32') {
    return passed('krb5-config', 'not used on Windows: SSPI takes the realm from the Windows domain logon');
  }
  const where = `${source.paths.join(':')} (${source.origin === 'KRB5_CONFIG' ? 'from KRB5_CONFIG' : 'the default; KRB5_CONFIG is not set'})`;
  if (source.missing.length === source.paths.length) {
    const detail = `${where}: not found`;
    if (platform === 'darwin') return passed('krb5-config', `${detail}; macOS then finds realms and KDCs through DNS`);
    return failed(
      'krb5-config',
      detail,
      source.origin === 'KRB5_CONFIG'
        ? 'KRB5_CONFIG names a file that does not exist: point it at your krb5.conf, or unset it to use /etc/krb5.conf'
        : 'install the Kerberos client configuration (Debian/Ubuntu: krb5-user, RHEL/Fedora: krb5-workstation) and ' +
            'set default_realm and the kdc of the realm in /etc/krb5.conf, or point KRB5_CONFIG at a krb5.conf',
    );
  }
  const missing = source.missing.length > 0 ? `; missing: ${source.missing.join(', ')}` : '';
  const realm =
    source.conf.defaultRealm === undefined
      ? 'no default_realm in [libdefaults] (realms then come from [domain_realm] and DNS)'
      : `default realm ${source.conf.defaultRealm}`;
  return passed('krb5-config', `${where}, ${realm}${missing}`);
}
