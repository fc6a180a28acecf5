import { isAxiosError } from 'axios';
import { isKerberosAuthError } from '../errors/kerberos-auth-error';

/** An error taken apart for display: the library code, what went wrong, and what to do. */
export interface Failure {
  /** The axios-kerberos error code, for errors of this library. */
  code: string | undefined;
  /** A network-level code (ECONNREFUSED, ETIMEDOUT, …) for errors below HTTP. */
  systemCode: string | undefined;
  problem: string;
  fix: string | undefined;
}

/**
 * Splits an error into problem and fix. Messages of this library end with `Fix: …` (see
 * errors/classify.ts), so the fix is cut off there rather than written a second time here.
 */
export function describeFailure(error: unknown): Failure {
  if (isKerberosAuthError(error)) {
    const { problem, fix } = splitFix(error.message);
    return { code: error.code, systemCode: undefined, problem, fix };
  }
  if (isAxiosError(error)) {
    return {
      code: undefined,
      systemCode: error.code,
      problem: error.message || String(error.code),
      fix: 'check the URL, that the server is running, and the network path to it (proxy, firewall)',
    };
  }
  return {
    code: undefined,
    systemCode: undefined,
    problem: error instanceof Error ? error.message : String(error),
    fix: undefined,
  };
}

/** One line for stderr: `CODE: what went wrong. Fix: what to do.` */
export function formatFailure(failure: Failure): string {
  const code = failure.code ?? failure.systemCode;
  const fix = failure.fix === undefined ? '' : `. Fix: ${failure.fix}.`;
  return `${code === undefined ? '' : `${code}: `}${failure.problem}${fix}`;
}

/** `"… failed: X. Fix: do Y."` becomes `{ problem: '… failed: X', fix: 'do Y' }`. */
export function splitFix(message: string): { problem: string; fix: string | undefined } {
  const at = message.lastIndexOf(' Fix: ');
  if (at === -1) return { problem: message, fix: undefined };
  return { problem: trimStop(message.slice(0, at)), fix: trimStop(message.slice(at + ' Fix: '.length)) };
}

function trimStop(text: string): string {
  return text.trim().replace(/\.$/, '');
}
