import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isKerberosAuthError } from '../errors/kerberos-auth-error';
import { messageOf } from '../errors/message';
import { type Mechanism, type MutualMode, resolveOptions } from '../options';
import type { CliAuthOptions } from './auth-options';
import { renderJson, renderText } from './doctor/render';
import { type DoctorDeps, runDoctor, systemDeps } from './doctor/run';
import { describeFailure } from './failure';
import { type GetIo, runGet } from './get';
import { UsageError, collectHeader, parseMethod, parseTimeout, parseUrl } from './option-parsers';

/** Exit codes: 0 works, 1 does not, 2 the command line was wrong. */
const EXIT_USAGE = 2;

const NAME = 'axios-kerberos';
const DESCRIPTION = 'Kerberos (SPNEGO, RFC 4559) over HTTP: diagnose a set-up, or fetch a URL with your ticket.';

/** One command-line flag: what `parseArgs` needs, and what the help shows. */
interface Flag {
  readonly name: string;
  readonly short?: string;
  /** The value's placeholder (`<ms>`); a flag without one is a boolean switch. */
  readonly value?: string;
  readonly help: string;
  readonly choices?: readonly string[];
  readonly default?: string;
  readonly multiple?: boolean;
}

const AUTH_FLAGS: readonly Flag[] = [
  {
    name: 'spn',
    value: '<spn>',
    help: 'service principal name to use instead of HTTP@<url host> (HTTP@host or HTTP/host)',
  },
  {
    name: 'mutual',
    value: '<mode>',
    help: 'mutual authentication (default: required on http:, optional on https:)',
    choices: ['required', 'optional', 'disabled'],
  },
  {
    name: 'principal',
    value: '<principal>',
    help: 'client principal to use from the credential cache (e.g. alice@EXAMPLE.COM)',
  },
  {
    name: 'canonicalize',
    value: '<mode>',
    help: 'cname: follow the URL host through DNS CNAME records before building the SPN, as browsers do',
    choices: ['none', 'cname'],
    default: 'none',
  },
  { name: 'include-port', help: 'add a non-default URL port to the SPN (HTTP@host:8443)' },
  {
    name: 'mechanism',
    value: '<mechanism>',
    help: 'GSS mechanism',
    choices: ['spnego', 'kerberos'],
    default: 'spnego',
  },
  {
    name: 'timeout',
    value: '<ms>',
    help: 'most milliseconds for each GSS operation and each HTTP request',
    default: '5000',
  },
];

const HELP_FLAG: Flag = { name: 'help', short: 'h', help: 'display help for command' };

interface Command {
  readonly summary: string;
  readonly flags: readonly Flag[];
  run(url: URL, values: Values, auth: CliAuthOptions, io: GetIo, deps?: () => DoctorDeps): Promise<number>;
}

type Values = Record<string, string | boolean | string[] | undefined>;

const COMMANDS: Record<'doctor' | 'get', Command> = {
  doctor: {
    summary: 'check the Kerberos chain to <url> step by step and say what to fix',
    flags: [...AUTH_FLAGS, { name: 'json', help: 'print the report as one JSON document' }, HELP_FLAG],
    async run(url, values, auth, io, deps) {
      const report = await runDoctor(url, auth, (deps ?? systemDeps)());
      io.stdout.write(values.json === true ? renderJson(report) : renderText(report));
      return report.ok ? 0 : 1;
    },
  },
  get: {
    summary: 'fetch <url> with Kerberos and print the body, like `curl --negotiate -u :`',
    flags: [
      ...AUTH_FLAGS,
      { name: 'include', short: 'i', help: 'print the status line and headers first (tokens redacted)' },
      {
        name: 'header',
        short: 'H',
        value: '<header>',
        help: "add a request header, 'Name: value' (repeatable)",
        multiple: true,
      },
      { name: 'request', short: 'X', value: '<method>', help: 'HTTP method (default GET, or POST with --data)' },
      { name: 'data', short: 'd', value: '<data>', help: 'request body: text, @file, or @- for standard input' },
      { name: 'delegate', help: 'delegate your ticket-granting ticket to the server (GSS_C_DELEG_FLAG)' },
      HELP_FLAG,
    ],
    run(url, values, auth, io) {
      const headers = ((values.header as string[] | undefined) ?? []).reduce<[string, string][]>(
        (collected, header) => collectHeader(header, collected),
        [],
      );
      const request = typeof values.request === 'string' ? parseMethod(values.request) : undefined;
      const data = typeof values.data === 'string' ? values.data : undefined;
      const options = { ...auth, delegate: values.delegate === true, include: values.include === true };
      return runGet(url, { ...options, headers, request, data }, io);
    },
  },
};

/**
 * Parses `argv` (as `process.argv`: node, script, then arguments), runs the command and
 * returns its exit code. Never calls `process.exit`, so it can run inside tests. Node's own
 * `util.parseArgs` reads the flags: the library needs no argument parser at run time.
 */
export async function runCli(argv: string[], io: GetIo, deps?: () => DoctorDeps): Promise<number> {
  const [first, ...rest] = argv.slice(2);
  try {
    if (first === undefined) {
      io.stderr.write(mainHelp());
      return EXIT_USAGE;
    }
    if (first === '-h' || first === '--help') return print(io, mainHelp());
    if (first === '-V' || first === '--version') return print(io, `${packageVersion()}\n`);
    if (first === 'help') {
      if (rest[0] === undefined) return print(io, mainHelp());
      return print(io, commandHelp(commandNamed(rest[0]), rest[0]));
    }
    const command = commandNamed(first);
    const values = parse(command, rest);
    if (values.help === true) return print(io, commandHelp(command, first));
    const url = urlOf(values.positionals, first);
    return await command.run(url, values, authOptions(values), io, deps);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error: ${error.message}\n(run with --help for usage)\n`);
    return EXIT_USAGE;
  }
}

function print(io: GetIo, text: string): number {
  io.stdout.write(text);
  return 0;
}

function commandNamed(name: string): Command {
  if (name === 'doctor' || name === 'get') return COMMANDS[name];
  throw new UsageError(name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`);
}

function parse(command: Command, args: string[]): Values & { positionals: string[] } {
  const options = Object.fromEntries(
    command.flags.map((flag) => [
      flag.name,
      {
        type: flag.value === undefined ? ('boolean' as const) : ('string' as const),
        ...(flag.short === undefined ? {} : { short: flag.short }),
        ...(flag.multiple === true ? { multiple: true } : {}),
      },
    ]),
  );
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    // parseArgs's messages name the flag and say what is wrong; its ERR_PARSE_ARGS_* codes
    // are all usage errors.
    throw new UsageError(messageOf(error));
  }
  const values: Values = { ...parsed.values };
  for (const flag of command.flags) {
    const value = values[flag.name];
    if (value === undefined && flag.default !== undefined) values[flag.name] = flag.default;
    if (typeof value === 'string' && flag.choices !== undefined && !flag.choices.includes(value)) {
      throw new UsageError(
        `option '--${flag.name} ${flag.value}' argument '${value}' is invalid. ` +
          `Allowed choices are ${flag.choices.join(', ')}.`,
      );
    }
  }
  return { ...values, positionals: parsed.positionals };
}

function urlOf(positionals: string[], command: string): URL {
  if (positionals.length === 0) throw new UsageError("missing required argument 'url'");
  if (positionals.length > 1) {
    throw new UsageError(`too many arguments for '${command}': expected one <url>, got ${positionals.length}`);
  }
  return parseUrl(positionals[0]!);
}

/** Checks the options with the library's own validation, so the CLI accepts exactly what it does. */
function authOptions(values: Values): CliAuthOptions {
  const options: CliAuthOptions = {
    spn: values.spn as string | undefined,
    mutual: values.mutual as MutualMode | undefined,
    principal: values.principal as string | undefined,
    mechanism: values.mechanism as Mechanism,
    timeout: parseTimeout(values.timeout as string),
    canonicalize: values.canonicalize as 'none' | 'cname',
    includePort: values['include-port'] === true,
  };
  try {
    resolveOptions({ ...options });
  } catch (error) {
    // The library's words name its options; the command line's name the flags.
    if (isKerberosAuthError(error)) {
      const { problem, fix } = describeFailure(error);
      throw new UsageError(fix === undefined ? `${problem}.` : `${problem}. Fix: ${fix}.`);
    }
    throw error;
  }
  return options;
}

function mainHelp(): string {
  const commands = Object.entries(COMMANDS).map(([name, command]): [string, string] => [
    `${name} [options] <url>`,
    command.summary,
  ]);
  return [
    `Usage: ${NAME} [options] [command]`,
    '',
    DESCRIPTION,
    '',
    'Options:',
    ...columns([
      ['-V, --version', 'output the version number'],
      ['-h, --help', 'display help for command'],
    ]),
    '',
    'Commands:',
    ...columns([...commands, ['help [command]', 'display help for command']]),
    '',
  ].join('\n');
}

function commandHelp(command: Command, name: string): string {
  const flags = command.flags.map((flag): [string, string] => {
    const names = `${flag.short === undefined ? '' : `-${flag.short}, `}--${flag.name}`;
    const notes = [
      flag.choices === undefined ? '' : `choices: ${flag.choices.map((c) => `"${c}"`).join(', ')}`,
      flag.default === undefined ? '' : `default: "${flag.default}"`,
    ].filter((note) => note !== '');
    const help = notes.length === 0 ? flag.help : `${flag.help} (${notes.join(', ')})`;
    return [flag.value === undefined ? names : `${names} ${flag.value}`, help];
  });
  return [
    `Usage: ${NAME} ${name} [options] <url>`,
    '',
    command.summary,
    '',
    'Arguments:',
    ...columns([['url', 'http: or https: URL of a Kerberos-protected resource']]),
    '',
    'Options:',
    ...columns(flags),
    '',
  ].join('\n');
}

function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
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
