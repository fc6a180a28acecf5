/**
 * Reads the parts of an MIT/Heimdal profile (krb5.conf) that `doctor` reports: the default
 * realm, the default credential cache name, and [domain_realm]. Not a full profile parser:
 * relations inside `{ … }` blocks (the [realms] entries) are skipped, as nothing here needs them.
 */
export interface Krb5Conf {
  defaultRealm: string | undefined;
  defaultCcacheName: string | undefined;
  /** [domain_realm] entries: host name or `.domain` suffix (lower case) to realm. */
  domainRealm: Map<string, string>;
  /** `include FILE` and `includedir DIR` directives, in order, for the loader to follow. */
  includes: { kind: 'file' | 'dir'; path: string }[];
}

export function parseKrb5Conf(text: string): Krb5Conf {
  const conf: Krb5Conf = {
    defaultRealm: undefined,
    defaultCcacheName: undefined,
    domainRealm: new Map(),
    includes: [],
  };
  let section = '';
  let depth = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const include = /^include(dir)?\s+(.+)$/.exec(line);
    if (include !== null && depth === 0) {
      conf.includes.push({ kind: include[1] === undefined ? 'file' : 'dir', path: (include[2] as string).trim() });
      continue;
    }
    const header = /^\[([^\]]+)\]\*?$/.exec(line);
    if (header !== null) {
      section = (header[1] as string).trim().toLowerCase();
      depth = 0;
      continue;
    }
    depth = Math.max(0, depth + (line.endsWith('{') ? 1 : 0) - (line === '}' ? 1 : 0));
    if (depth > 0 || line === '}') continue;
    const relation = /^([^=\s]+)\s*=\s*(.*?)\*?$/.exec(line);
    if (relation !== null) record(conf, section, relation[1] as string, relation[2] as string);
  }
  return conf;
}

// MIT profiles: the first value seen for a relation wins, so later ones never overwrite it.
function record(conf: Krb5Conf, section: string, key: string, value: string): void {
  if (section === 'libdefaults') {
    if (key === 'default_realm' && conf.defaultRealm === undefined) conf.defaultRealm = value;
    if (key === 'default_ccache_name' && conf.defaultCcacheName === undefined) conf.defaultCcacheName = value;
  } else if (section === 'domain_realm') {
    const name = key.toLowerCase();
    if (!conf.domainRealm.has(name)) conf.domainRealm.set(name, value);
  }
}

/** Merges profiles in precedence order (the first file's values win, as in MIT's KRB5_CONFIG lists). */
export function mergeKrb5Conf(confs: readonly Krb5Conf[]): Krb5Conf {
  const merged: Krb5Conf = {
    defaultRealm: undefined,
    defaultCcacheName: undefined,
    domainRealm: new Map(),
    includes: [],
  };
  for (const conf of confs) {
    merged.defaultRealm ??= conf.defaultRealm;
    merged.defaultCcacheName ??= conf.defaultCcacheName;
    for (const [name, realm] of conf.domainRealm)
      if (!merged.domainRealm.has(name)) merged.domainRealm.set(name, realm);
  }
  return merged;
}

/**
 * The realm [domain_realm] gives a host, and the entry that gave it: the host itself first,
 * then `.domain` suffixes from the longest, as MIT's krb5_get_host_realm looks them up.
 */
export function realmForHost(conf: Krb5Conf, host: string): { realm: string; entry: string } | undefined {
  const name = host.toLowerCase();
  const exact = conf.domainRealm.get(name);
  if (exact !== undefined) return { realm: exact, entry: name };
  for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
    const suffix = name.slice(dot);
    const realm = conf.domainRealm.get(suffix);
    if (realm !== undefined) return { realm, entry: suffix };
  }
  return undefined;
}
