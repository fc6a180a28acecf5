import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Stops the Squid and the realm that global-setup started (and only those). */
export default function globalTeardown(): void {
  const dir = process.env.REALM_DIR;
  if (process.env.AXIOS_KERBEROS_SQUID_OWNED === '1' && dir !== undefined) {
    execFileSync('bash', [resolve(__dirname, '../../../scripts/squid.sh'), 'down', dir], { stdio: 'inherit' });
  }
  if (process.env.AXIOS_KERBEROS_REALM_OWNED !== '1' || dir === undefined) return;
  const script = resolve(__dirname, '../../../scripts/realm.sh');
  execFileSync('bash', [script, 'down', dir, '--purge'], { stdio: 'inherit' });
}
