import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../../../scripts/ad-realm.sh');

/** A Samba AD domain with Apache in front, brought up by `scripts/ad-realm.sh` for one test file. */
export interface AdRealm {
  dir: string;
  /** DIR/env.json: KRB5_CONFIG, KRB5CCNAME (alice), HTTP_URL, … */
  env: Record<string, string>;
  /** Runs a sub-command of the script (`samba-tool`, `ldb`, `kinit`) against this domain. */
  command(...args: string[]): string;
  /** A FILE ccache in DIR holding `user`'s TGT (password `<user>-Passw0rd` unless given). */
  kinit(user: string, password?: string): string;
  path(name: string): string;
  down(): void;
}

export function startAdRealm(): AdRealm {
  const base = mkdtempSync(join(tmpdir(), 'axios-kerberos-ad-'));
  chmodSync(base, 0o755); // Apache runs as www-data and must reach the keytab inside
  const dir = join(base, 'ad');
  try {
    execFileSync('bash', [SCRIPT, 'up', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    // `up` stopped what it had started; nothing else is left but the folder.
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
  const env = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as Record<string, string>;
  const command = (...args: string[]): string =>
    execFileSync('bash', [SCRIPT, args[0] as string, dir, ...args.slice(1)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  return {
    dir,
    env,
    command,
    path: (name) => join(dir, name),
    kinit(user, password = `${user}-Passw0rd`) {
      const ccache = join(dir, `${user}.ccache`);
      command('kinit', ccache, user, password);
      return `FILE:${ccache}`;
    },
    down() {
      execFileSync('bash', [SCRIPT, 'down', dir, '--purge'], { stdio: 'inherit' });
      rmSync(base, { recursive: true, force: true });
    },
  };
}
