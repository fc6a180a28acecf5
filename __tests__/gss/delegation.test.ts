import { fileCcachePath, readTgtFlags } from '../../lib/gss/delegation';

// A FILE credential cache, version 4, as MIT writes it (big-endian).
function data(bytes: Buffer | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}
function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}
function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}
function principal(realm: string, ...names: string[]): Buffer {
  return Buffer.concat([u32(1), u32(names.length), data(realm), ...names.map((n) => data(n))]);
}
function credential(server: Buffer, flags: number): Buffer {
  return Buffer.concat([
    principal('AD.TEST', 'alice'),
    server,
    u16(18),
    data(Buffer.alloc(32)),
    Buffer.alloc(16), // times
    Buffer.from([0]),
    u32(flags),
    u32(0), // addresses
    u32(1), // one authorization-data element
    u16(1),
    data('ad'),
    data('ticket'),
    data(''),
  ]);
}
function ccache(...credentials: Buffer[]): Buffer {
  const header = Buffer.concat([u16(1), u16(8), Buffer.alloc(8)]); // a time-offset tag
  return Buffer.concat([u16(0x0504), u16(header.length), header, principal('AD.TEST', 'alice'), ...credentials]);
}

const FORWARDABLE = 0x40000000;
const INITIAL_PRE_AUTHENT = 0x00400000 | 0x00200000;

describe('readTgtFlags', () => {
  it('reads whether the TGT of the default principal is forwardable', () => {
    const tgt = principal('AD.TEST', 'krbtgt', 'AD.TEST');
    expect(readTgtFlags(ccache(credential(tgt, FORWARDABLE | INITIAL_PRE_AUTHENT)))).toEqual({
      principal: 'alice@AD.TEST',
      forwardable: true,
    });
    expect(readTgtFlags(ccache(credential(tgt, INITIAL_PRE_AUTHENT)))).toEqual({
      principal: 'alice@AD.TEST',
      forwardable: false,
    });
  });

  it('looks past service tickets and cross-realm TGTs to the own-realm TGT', () => {
    const cache = ccache(
      credential(principal('AD.TEST', 'HTTP', 'web'), FORWARDABLE),
      credential(principal('AD.TEST', 'krbtgt', 'OTHER.TEST'), FORWARDABLE),
      credential(principal('AD.TEST', 'krbtgt', 'AD.TEST'), 0),
    );
    expect(readTgtFlags(cache)?.forwardable).toBe(false);
  });

  it('gives up on anything else: no TGT, another format, truncated bytes', () => {
    expect(readTgtFlags(ccache(credential(principal('AD.TEST', 'HTTP', 'web'), 0)))).toBeUndefined();
    expect(readTgtFlags(Buffer.from('not a cache'))).toBeUndefined();
    const whole = ccache(credential(principal('AD.TEST', 'krbtgt', 'AD.TEST'), 0));
    expect(readTgtFlags(whole.subarray(0, whole.length - 3))).toBeUndefined();
  });
});

describe('fileCcachePath', () => {
  it("follows KRB5CCNAME for FILE caches and MIT's default without it", () => {
    expect(fileCcachePath({ KRB5CCNAME: 'FILE:/tmp/cc' }, 1000)).toBe('/tmp/cc');
    expect(fileCcachePath({ KRB5CCNAME: '/tmp/cc' }, 1000)).toBe('/tmp/cc');
    expect(fileCcachePath({}, 1000)).toBe('/tmp/krb5cc_1000');
  });

  it('leaves caches that are not files to GSS', () => {
    expect(fileCcachePath({ KRB5CCNAME: 'KEYRING:persistent:1000' }, 1000)).toBeUndefined();
    expect(fileCcachePath({ KRB5CCNAME: 'KCM:' }, 1000)).toBeUndefined();
    expect(fileCcachePath({}, undefined)).toBeUndefined();
  });
});
