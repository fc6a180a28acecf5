import { readFileSync, statSync } from 'node:fs';
import { debug } from '../util/debug';

/**
 * GSS-API drops a delegation request without an error when the ticket-granting ticket is not
 * forwardable (MIT krb5: `make_gss_checksum` clears GSS_C_DELEG_FLAG when forwarding fails;
 * the `kerberos` binding does not report the flags GSS returns). The request then succeeds
 * and the server has no credentials to act with. This looks at the TGT in a FILE credential
 * cache, the only kind readable without GSS, and warns once per cache content.
 */
const NOT_DELEGABLE_WARNING = 'AXIOS_KERBEROS_NOT_DELEGABLE';

// RFC 4120 section 5.3 TicketFlags bit 1, as MIT stores it in a ccache (krb5.h TKT_FLG_FORWARDABLE).
const FORWARDABLE = 0x40000000;

/** What a FILE ccache says about its TGT, or undefined when it cannot be read. */
export interface TgtFlags {
  /** The cache's default principal, `name@REALM`. */
  principal: string;
  forwardable: boolean;
}

/**
 * Reads the default principal and its own realm's TGT flags from a FILE ccache (format
 * versions 3 and 4, big-endian: MIT's ccache file format). Pure; undefined when the bytes are
 * not such a cache or hold no TGT.
 */
export function readTgtFlags(bytes: Buffer): TgtFlags | undefined {
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new RangeError('truncated');
  };
  const u8 = () => {
    need(1);
    return bytes.readUInt8(at++);
  };
  const u16 = () => {
    need(2);
    at += 2;
    return bytes.readUInt16BE(at - 2);
  };
  const u32 = () => {
    need(4);
    at += 4;
    return bytes.readUInt32BE(at - 4);
  };
  const data = () => {
    const length = u32();
    need(length);
    at += length;
    return bytes.subarray(at - length, at);
  };
  const principal = () => {
    u32(); // name type
    const count = u32();
    const realm = data().toString('utf8');
    const names = Array.from({ length: count }, () => data().toString('utf8'));
    return { realm, names };
  };
  try {
    const version = u16();
    if (version !== 0x0503 && version !== 0x0504) return undefined;
    if (version === 0x0504) {
      const headerLength = u16();
      need(headerLength);
      at += headerLength;
    }
    const client = principal();
    let found: boolean | undefined;
    while (at < bytes.length) {
      principal(); // the credential's client
      const server = principal();
      u16(); // key type
      data(); // key
      at += 16; // authtime, starttime, endtime, renew-till
      u8(); // is_skey
      const flags = u32();
      skipTypedData(u32(), u16, data); // addresses
      skipTypedData(u32(), u16, data); // authorization data
      data(); // ticket
      data(); // second ticket
      const tgt = server.names[0] === 'krbtgt' && server.names[1] === client.realm && server.realm === client.realm;
      if (tgt) found = (flags & FORWARDABLE) !== 0;
    }
    if (found === undefined) return undefined;
    return { principal: `${client.names.join('/')}@${client.realm}`, forwardable: found };
  } catch {
    return undefined;
  }
}

function skipTypedData(count: number, type: () => number, data: () => Buffer): void {
  for (let n = count; n > 0; n--) {
    type();
    data();
  }
}

/**
 * The FILE ccache GSS will use: KRB5CCNAME when it names a file, else MIT's default
 * `/tmp/krb5cc_<uid>`. Undefined for other cache types (KEYRING, KCM, API, MSLSA).
 */
export function fileCcachePath(env: NodeJS.ProcessEnv, uid: number | undefined): string | undefined {
  const name = env.KRB5CCNAME;
  if (name === undefined || name === '') return uid === undefined ? undefined : `/tmp/krb5cc_${uid}`;
  if (name.startsWith('FILE:')) return name.slice('FILE:'.length);
  return /^[A-Za-z0-9]+:/.test(name) ? undefined : name;
}

// Path -> the cache content (mtime and size) last looked at: a cache is read once per change.
const checked = new Map<string, string>();
// Cache path and principal already warned about: every new service ticket changes the file.
const warned = new Set<string>();

/**
 * Warns (process warning `AXIOS_KERBEROS_NOT_DELEGABLE`, once per cache and principal, and a
 * debug line) when a token asked for delegation but the TGT in the FILE ccache is not
 * forwardable. Never throws: a cache it cannot read is left to GSS.
 */
export function warnIfNotDelegable(spn: string, principal: string | undefined): void {
  if (process.platform === 'win32') return;
  const path = fileCcachePath(process.env, process.getuid?.());
  if (path === undefined) {
    debug('delegation to %s: cache %s is not a FILE cache, forwardable flag not checked', spn, process.env.KRB5CCNAME);
    return;
  }
  let tgt: TgtFlags | undefined;
  try {
    const stat = statSync(path);
    const key = `${stat.mtimeMs}:${stat.size}`;
    if (checked.get(path) === key) return;
    checked.set(path, key);
    tgt = readTgtFlags(readFileSync(path));
  } catch {
    return; // no cache yet (a client keytab fills it on first use): GSS decides
  }
  if (tgt === undefined || tgt.forwardable || (principal !== undefined && principal !== tgt.principal)) return;
  if (warned.has(`${path}|${tgt.principal}`)) return;
  warned.add(`${path}|${tgt.principal}`);
  debug('delegation to %s requested, but the TGT of %s is not forwardable: nothing is delegated', spn, tgt.principal);
  process.emitWarning(
    `axios-kerberos: \`delegate: true\` for ${spn}, but the ticket-granting ticket of ${tgt.principal} in ${path} ` +
      'is not forwardable, so GSS sends no delegated credentials and the server cannot act on your behalf. ' +
      'Fix: get a forwardable ticket (`kinit -f`, or `forwardable = true` in krb5.conf); in Active Directory, ' +
      'the account must not be marked "Account is sensitive and cannot be delegated".',
    { code: NOT_DELEGABLE_WARNING },
  );
}
