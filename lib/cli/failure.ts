import { isAxiosError } from 'axios';
import { isKerberosAuthError, type KerberosAuthError } from '../errors/kerberos-auth-error';
import { messageOf } from '../errors/message';

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
 * An error as the CLI shows it: the library's errors carry their advice in `fix`, which is
 * shown in the command line's terms (`--mutual optional`, not `mutual: 'optional'`).
 */
export function describeFailure(error: unknown): Failure {
  if (isKerberosAuthError(error)) {
    return {
      code: error.code,
      systemCode: undefined,
      problem: inCliTerms(problemOf(error)),
      fix: error.fix === undefined ? undefined : inCliTerms(error.fix),
    };
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
    problem: messageOf(error),
    fix: undefined,
  };
}

/** One line for stderr: `CODE: what went wrong. Fix: what to do.` */
export function formatFailure(failure: Failure): string {
  const code = failure.code ?? failure.systemCode;
  const fix = failure.fix === undefined ? '' : `. Fix: ${failure.fix}.`;
  return `${code === undefined ? '' : `${code}: `}${failure.problem}${fix}`;
}

/** The message without the `Fix: <fix>.` the error class appended to it. */
function problemOf(error: KerberosAuthError): string {
  const suffix = error.fix === undefined ? '' : ` Fix: ${error.fix}.`;
  const problem =
    suffix !== '' && error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message;
  return problem.trim().replace(/\.$/, '');
}

// The library's advice names its options; on the command line they are flags. One row per
// option that advice mentions and the CLI has.
const CLI_TERMS: readonly [RegExp, string][] = [
  [/`mutual: '(\w+)'`/g, '`--mutual $1`'],
  [/`mechanism: '(\w+)'`/g, '`--mechanism $1`'],
  [/raise `timeout`/g, 'raise `--timeout`'],
  [/set the `spn` option to/g, 'pass `--spn` with'],
  [/leave out `delegate`/g, 'leave out `--delegate`'],
  [/\(`delegate: true`\)/g, '(`--delegate`)'],
  [/`principal` option/g, '`--principal` option'],
  // ERR_KERBEROS_OPTIONS for a flag's value ("Invalid option `spn`: …").
  [/option `(spn|mutual|principal|mechanism|timeout|canonicalize)`/g, 'option `--$1`'],
  [/option `includePort`/g, 'option `--include-port`'],
];

/** Library option syntax in `text` rewritten as the CLI's flags. */
export function inCliTerms(text: string): string {
  return CLI_TERMS.reduce((result, [pattern, flag]) => result.replace(pattern, flag), text);
}
