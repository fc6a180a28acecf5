import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt } from '../../setup/build';

/**
 * Brings up a throwaway realm (MIT KDC + Apache with mod_auth_gssapi on 127.0.0.1) for this
 * test run, unless REALM_DIR names one that is already up, and exports its environment
 * (KRB5_CONFIG, KRB5CCNAME, URLs…) to the test workers, which are started after this.
 */
export default function globalSetup(): void {
  ensureBuilt();
  if (process.env.REALM_DIR !== undefined && process.env.HTTP_URL !== undefined) {
    if (process.env.SQUID_URL === undefined) startSquid(process.env.REALM_DIR);
    return;
  }
  const base = mkdtempSync(join(tmpdir(), 'axios-kerberos-test-'));
  chmodSync(base, 0o755); // Apache runs as www-data and must reach the keytab inside
  const dir = join(base, 'realm');
  const script = resolve(__dirname, '../../../scripts/realm.sh');
  execFileSync('bash', [script, 'up', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as Record<string, string>;
  Object.assign(process.env, env, { AXIOS_KERBEROS_REALM_OWNED: '1' });
  startSquid(dir);
}

/** A real Squid with Kerberos proxy authentication in the realm (scripts/squid.sh), stopped by the teardown. */
function startSquid(realmDir: string): void {
  const script = resolve(__dirname, '../../../scripts/squid.sh');
  execFileSync('bash', [script, 'up', realmDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env = JSON.parse(readFileSync(join(realmDir, 'squid', 'env.json'), 'utf8')) as Record<string, string>;
  Object.assign(process.env, env, { AXIOS_KERBEROS_SQUID_OWNED: '1' });
}
