import { messageOf } from '../errors/message';

// A server that refuses our token may answer with a KRB-ERROR (RFC 4120 section 5.9.1) inside
// its Negotiate token: raw, or as the responseToken of a SPNEGO reply (RFC 4178 section 4.2.2).
// MIT's GSS-API names the error when the token is stepped; Heimdal's SPNEGO does not ("unknown
// mech-code 0 for mech unknown"). The error code is read here from the token itself.

// The krb5 mechanism's OID (RFC 1964) followed by the KRB_ERROR token id 0x0300 (RFC 4121 section 4.1).
const KRB5_ERROR_TOKEN = Buffer.from('06092a864886f71201020203007e', 'hex');

// The codes a server's acceptor sends, named as MIT's messages name them, so that the usual
// classification applies (RFC 4120 section 7.5.9).
const NAMES: Readonly<Record<number, string>> = {
  31: 'KRB5KRB_AP_ERR_BAD_INTEGRITY: Decrypt integrity check failed',
  32: 'KRB5KRB_AP_ERR_TKT_EXPIRED: Ticket expired',
  33: 'KRB5KRB_AP_ERR_TKT_NYV: Ticket not yet valid',
  34: 'KRB5KRB_AP_ERR_REPEAT: Request is a replay',
  35: 'KRB5KRB_AP_ERR_NOT_US: The ticket is not for us',
  36: 'KRB5KRB_AP_ERR_BADMATCH: Ticket and authenticator do not match',
  37: 'KRB5KRB_AP_ERR_SKEW: Clock skew too great',
  41: 'KRB5KRB_AP_ERR_MODIFIED: Message stream modified',
  44: 'KRB5KRB_AP_ERR_BADKEYVER: Specified version of key is not available',
  45: 'KRB5KRB_AP_ERR_NOKEY: Service key not available',
};

/** The error code of a KRB-ERROR in a server's Negotiate token (base64), if there is one. */
export function krbErrorCode(serverToken: string): number | undefined {
  const bytes = Buffer.from(serverToken, 'base64');
  const at = bytes.indexOf(KRB5_ERROR_TOKEN);
  if (at === -1) return undefined;
  try {
    // KRB-ERROR ::= [APPLICATION 30] SEQUENCE { ..., error-code [6] Int32, ... }
    const outer = readTlv(bytes, at + KRB5_ERROR_TOKEN.length - 1);
    const sequence = readTlv(bytes, outer.content);
    let field = sequence.content;
    while (field < sequence.end) {
      const tlv = readTlv(bytes, field);
      if (bytes[field] === 0xa6) {
        const integer = readTlv(bytes, tlv.content);
        if (bytes[tlv.content] !== 0x02 || integer.end - integer.content > 4) return undefined;
        return bytes.readIntBE(integer.content, integer.end - integer.content);
      }
      field = tlv.end;
    }
  } catch {
    // A truncated or malformed token: no code to read.
  }
  return undefined;
}

/** The name and text of the KRB-ERROR in a server's token, as MIT words it, if there is one. */
export function krbErrorName(serverToken: string): string | undefined {
  const code = krbErrorCode(serverToken);
  return code === undefined ? undefined : (NAMES[code] ?? `KRB-ERROR code ${code}`);
}

/**
 * When the server's token carries a KRB-ERROR, an Error naming it (with `error` as its cause),
 * for classification; otherwise `error` itself.
 */
export function explainServerError(error: unknown, serverToken: string): unknown {
  const name = krbErrorName(serverToken);
  if (name === undefined) return error;
  const said = messageOf(error).trim();
  return new Error(`the server answered with ${name} (GSS said "${said}")`, { cause: error });
}

/** One DER tag-length-value at `offset`: where its content starts and where it ends. */
function readTlv(bytes: Buffer, offset: number): { content: number; end: number } {
  let position = offset + 1;
  const first = byteAt(bytes, position++);
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 3) throw new RangeError('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byteAt(bytes, position++);
  }
  const end = position + length;
  if (end > bytes.length) throw new RangeError('DER value past the end');
  return { content: position, end };
}

function byteAt(bytes: Buffer, offset: number): number {
  const value = bytes[offset];
  if (value === undefined) throw new RangeError('DER value past the end');
  return value;
}
