import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Krb5Conf, mergeKrb5Conf, parseKrb5Conf } from './krb5-conf';

/** Where the krb5 configuration comes from, and whether the files are there. */
export interface Krb5ConfigSource {
  /** The files in precedence order. */
  paths: string[];
  /** 'KRB5_CONFIG' when the variable chose them, else the platform default. */
  origin: 'KRB5_CONFIG' | 'default';
  missing: string[];
  conf: Krb5Conf;
}

/** File access, injectable for tests. `read` returns undefined for a file that is not there. */
export interface ConfigFs {
  read(path: string): string | undefined;
  list(dir: string): string[];
}

export const nodeConfigFs: ConfigFs = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  list(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/** The files MIT krb5 reads: KRB5_CONFIG is a colon-separated list (first wins), else /etc/krb5.conf. */
export function krb5ConfigPaths(env: NodeJS.ProcessEnv): Pick<Krb5ConfigSource, 'paths' | 'origin'> {
  const fromEnv = env.KRB5_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') {
    return { paths: fromEnv.split(':').filter((path) => path !== ''), origin: 'KRB5_CONFIG' };
  }
  return { paths: ['/etc/krb5.conf'], origin: 'default' };
}

// MIT's includedir only reads names made of letters, digits, '-' and '_', or ending in
// '.conf'; anything else (editor backups, .rpmnew) is ignored there too.
const INCLUDABLE = /^(?:[A-Za-z0-9_-]+|.*\.conf)$/;
// Includes nest rarely; a bound keeps a file that includes itself from looping.
const MAX_INCLUDE_DEPTH = 4;

/** Reads and merges the configuration, following `include` and `includedir`. */
export function loadKrb5Config(env: NodeJS.ProcessEnv, fs: ConfigFs = nodeConfigFs): Krb5ConfigSource {
  const { paths, origin } = krb5ConfigPaths(env);
  const missing: string[] = [];
  const confs: Krb5Conf[] = [];
  for (const path of paths) {
    const text = fs.read(path);
    if (text === undefined) missing.push(path);
    else collect(parseKrb5Conf(text), fs, confs, 0);
  }
  return { paths, origin, missing, conf: mergeKrb5Conf(confs) };
}

function collect(conf: Krb5Conf, fs: ConfigFs, out: Krb5Conf[], depth: number): void {
  out.push(conf);
  if (depth >= MAX_INCLUDE_DEPTH) return;
  for (const include of conf.includes) {
    const files =
      include.kind === 'file'
        ? [include.path]
        : fs
            .list(include.path)
            .filter((name) => INCLUDABLE.test(name))
            .sort()
            .map((name) => join(include.path, name));
    for (const file of files) {
      const text = fs.read(file);
      if (text !== undefined) collect(parseKrb5Conf(text), fs, out, depth + 1);
    }
  }
}
