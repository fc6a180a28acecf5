import './augment';

export { kerberosAuth } from './plugin';
export type { KerberosAuthHandle, KerberosAuthPlugin, NegotiateTicket } from './handles';
export { negotiate } from './negotiate';
export { spnForUrl } from './spn';
export type { SpnOptions } from './spn';
export { DEFAULT_OPTIONS } from './options';
export type {
  HostPattern,
  KerberosAuthOptions,
  KerberosRequestOptions,
  Mechanism,
  MutualMode,
  NegotiateOptions,
} from './options';
export { KerberosAuthError, isKerberosAuthError } from './errors/kerberos-auth-error';
export type { KerberosAuthErrorDetails } from './errors/kerberos-auth-error';
export { MutualAuthenticationError } from './errors/mutual-authentication-error';
export { ERROR_CODES } from './errors/codes';
export type { KerberosErrorCode } from './errors/codes';
// Not exported on purpose: the GSS provider seam, the challenge parser and the
// interceptor internals. They may change in any release.
