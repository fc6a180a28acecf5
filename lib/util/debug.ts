import { debuglog } from 'node:util';

/**
 * Decision log, on with `NODE_DEBUG=axios-kerberos` (Node's own mechanism, no dependency).
 * Callers pass hosts, SPNs, outcomes and timings, never a token or a full URL (query
 * strings can carry secrets). Check `debug.enabled` before building costly arguments, and on
 * the path every request takes: a call that logs nothing still costs about 0.3 µs.
 */
export const debug = debuglog('axios-kerberos');
