import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, Command, CommanderError, Option } from 'commander';
import { isKerberosAuthError } from '../errors/kerberos-auth-error';
import type { Mechanism } from '../gss/provider';
import { type MutualMode, resolveOptions } from '../options';
import type { CliAuthOptions } from './auth-options';
import { renderJson, renderText } from './doctor/render';
import { type DoctorDeps, runDoctor, systemDeps } from './doctor/run';
import { type GetIo, runGet } from './get';
import { collectHeader, parseMethod, parseTimeout, parseUrl } from './option-parsers';

/** Exit codes: 0 works, 1 does not, 2 the command line was wrong. */
export const EXIT_USAGE = 2;

interface AuthFlags {
  spn?: string;
  mutual?: MutualMode;
  principal?: string;
  mechanism: Mechanism;
  timeout: number;
  canonicalize: 'none' | 'cname';
  includePort?: boolean;
}

/**
 * Parses `argv` (as `process.argv`: node, script, then arguments), runs the command and
 * returns its exit code. Never calls `process.exit`, so it can run inside tests.
 */
export async function runCli(argv: string[], io: GetIo, deps?: () => DoctorDeps): Promise<number> {
  let exitCode = 0;
  const program = new Command('axios-kerberos')
    .description('Kerberos (SPNEGO, RFC 4559) over HTTP: diagnose a set-up, or fetch a URL with your ticket.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');

  withAuthOptions(program.command('doctor'))
    .description('check the Kerberos chain to <url> step by step and say what to fix')
    .addArgument(urlArgument())
    .option('--json', 'print the report as one JSON document')
    .action(async (url: URL, flags: AuthFlags & { json?: boolean }, command: Command) => {
      const options = validated(command, flags);
      const report = await runDoctor(url, options, (deps ?? systemDeps)());
      io.stdout.write(flags.json === true ? renderJson(report) : renderText(report));
      exitCode = report.ok ? 0 : 1;
    });

  withAuthOptions(program.command('get'))
    .description('fetch <url> with Kerberos and print the body, like `curl --negotiate -u :`')
    .addArgument(urlArgument())
    .option('-i, --include', 'print the status line and headers first (tokens redacted)')
    .option('-H, --header <header>', "add a request header, 'Name: value' (repeatable)", collectHeader)
    .option('-X, --request <method>', 'HTTP method (default GET, or POST with --data)', parseMethod)
    .option('-d, --data <data>', 'request body: text, @file, or @- for standard input')
    .option('--delegate', 'delegate your ticket-granting ticket to the server (GSS_C_DELEG_FLAG)')
    .action(async (url: URL, flags: GetFlags, command: Command) => {
      const options = validated(command, flags);
      exitCode = await runGet(
        url,
        {
          ...options,
          delegate: flags.delegate === true,
          include: flags.include === true,
          headers: flags.header ?? [],
          request: flags.request,
          data: flags.data,
        },
        io,
      );
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Help and --version end with exit code 0; every other commander error is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    throw error;
  }
  return exitCode;
}

interface GetFlags extends AuthFlags {
  include?: boolean;
  header?: [string, string][];
  request?: string;
  data?: string;
  delegate?: boolean;
}

function withAuthOptions(command: Command): Command {
  return command
    .option('--spn <spn>', 'service principal name to use instead of HTTP@<url host> (HTTP@host or HTTP/host)')
    .addOption(
      new Option('--mutual <mode>', 'mutual authentication (default: required on http:, optional on https:)').choices([
        'required',
        'optional',
        'disabled',
      ]),
    )
    .option('--principal <principal>', 'client principal to use from the credential cache (e.g. alice@EXAMPLE.COM)')
    .addOption(
      new Option(
        '--canonicalize <mode>',
        'cname: follow the URL host through DNS CNAME records before building the SPN, as browsers do',
      )
        .choices(['none', 'cname'])
        .default('none'),
    )
    .option('--include-port', 'add a non-default URL port to the SPN (HTTP@host:8443)')
    .addOption(new Option('--mechanism <mechanism>', 'GSS mechanism').choices(['spnego', 'kerberos']).default('spnego'))
    .addOption(
      new Option('--timeout <ms>', 'most milliseconds for each GSS operation and each HTTP request')
        .argParser(parseTimeout)
        .default(5000),
    );
}

function urlArgument(): Argument {
  return new Argument('<url>', 'http: or https: URL of a Kerberos-protected resource').argParser(parseUrl);
}

/** Checks the options with the library's own validation, so the CLI accepts exactly what it does. */
function validated(command: Command, flags: AuthFlags): CliAuthOptions {
  const options: CliAuthOptions = {
    spn: flags.spn,
    mutual: flags.mutual,
    principal: flags.principal,
    mechanism: flags.mechanism,
    timeout: flags.timeout,
    canonicalize: flags.canonicalize,
    includePort: flags.includePort === true,
  };
  try {
    resolveOptions({ ...options });
  } catch (error) {
    if (isKerberosAuthError(error)) command.error(`error: ${error.message}`, { exitCode: EXIT_USAGE });
    throw error;
  }
  return options;
}

function packageVersion(): string {
  try {
    // lib/cli and dist/cli are both two levels below the package root.
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}
