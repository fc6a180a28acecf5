import { execFile } from 'node:child_process';

/** One ticket line of `klist`. */
export interface KlistTicket {
  /** The service principal, e.g. `krbtgt/EXAMPLE.COM@EXAMPLE.COM`. */
  server: string;
  /** The expiry as printed, when a date could be found. */
  expiresText: string | undefined;
  /** The expiry in local time, when it could be parsed. */
  expires: Date | undefined;
  /** Heimdal prints `>>>Expired<<<` instead of a date. */
  markedExpired: boolean;
}

/** What `klist` printed, from MIT (`Ticket cache:`) or Heimdal (`Credentials cache:`). */
export interface KlistListing {
  cache: string | undefined;
  principal: string | undefined;
  tickets: KlistTicket[];
}

/** The result of running `klist` and `klist -s`. */
export type KlistResult =
  | { available: false }
  | {
      available: true;
      listing: KlistListing;
      /** `klist -s` exited 0: the cache holds tickets that have not expired. */
      valid: boolean;
      /** What klist said on stderr (e.g. "No credentials cache found"), trimmed. */
      message: string;
    };

// MIT in the C locale (`11/29/26 04:28:41`), ISO dates some locales print, and Heimdal
// (`Nov 29 04:28:41 2026`).
const DATE =
  /(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4}) (\d{2}):(\d{2}):(\d{2})|(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})|([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})/g;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses `klist` output. Pure; lines it does not understand are ignored. */
export function parseKlist(text: string): KlistListing {
  const listing: KlistListing = { cache: undefined, principal: undefined, tickets: [] };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const field = /^(Ticket cache|Credentials cache|Default principal|Principal):\s*(.+)$/.exec(line);
    if (field !== null) {
      const value = (field[2] as string).trim();
      if (field[1]?.endsWith('cache') === true) listing.cache ??= value;
      else listing.principal ??= value;
      continue;
    }
    const ticket = parseTicketLine(line);
    if (ticket !== undefined) listing.tickets.push(ticket);
  }
  return listing;
}

/** A ticket line: dates (issued, expires) and the service principal as the last word. */
function parseTicketLine(line: string): KlistTicket | undefined {
  const dates = [...line.matchAll(DATE)];
  const markedExpired = line.includes('>>>Expired<<<');
  if (dates.length === 0 && !markedExpired) return undefined;
  const server = line.split(/\s+/).pop() ?? '';
  if (!server.includes('@') || !server.includes('/')) return undefined;
  const expiry = markedExpired ? undefined : (dates[1] ?? undefined);
  return {
    server,
    expiresText: expiry?.[0],
    expires: expiry === undefined ? undefined : toDate(expiry),
    markedExpired,
  };
}

function toDate(match: RegExpMatchArray): Date | undefined {
  const n = (i: number) => Number(match[i]);
  if (match[1] !== undefined) {
    const year = match[3]!.length === 2 ? 2000 + n(3) : n(3);
    return new Date(year, n(1) - 1, n(2), n(4), n(5), n(6));
  }
  if (match[7] !== undefined) return new Date(n(7), n(8) - 1, n(9), n(10), n(11), n(12));
  const month = MONTHS.indexOf(match[13] as string);
  return month === -1 ? undefined : new Date(n(18), month, n(14), n(15), n(16), n(17));
}

/** The ticket-granting ticket: for the client's own realm when several realms are listed. */
export function findTgt(listing: KlistListing): KlistTicket | undefined {
  const realm = listing.principal?.split('@').pop();
  const tgts = listing.tickets.filter((ticket) => ticket.server.startsWith('krbtgt/'));
  return tgts.find((ticket) => ticket.server === `krbtgt/${realm}@${realm}`) ?? tgts[0];
}

/** Runs a program and reports its exit status and output; `undefined` when it is not installed. */
export type Run = (
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
) => Promise<{ status: number; stdout: string; stderr: string } | undefined>;

const KLIST_TIMEOUT_MS = 5000;

export const runProgram: Run = (file, args, env) =>
  new Promise((resolve) => {
    execFile(file, args, { env, timeout: KLIST_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') resolve(undefined);
      else resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });

/**
 * Lists the credential cache with `klist` (MIT krb5-user / krb5-workstation, or Heimdal), and
 * asks `klist -s` whether it holds valid tickets. The C locale makes the dates parseable.
 */
export async function runKlist(env: NodeJS.ProcessEnv, run: Run = runProgram): Promise<KlistResult> {
  const cEnv = { ...env, LC_ALL: 'C', LANG: 'C' };
  const listed = await run('klist', [], cEnv);
  if (listed === undefined) return { available: false };
  const check = await run('klist', ['-s'], cEnv);
  return {
    available: true,
    listing: parseKlist(listed.stdout),
    valid: check?.status === 0,
    message: listed.stderr.trim().replace(/^klist:\s*/, ''),
  };
}
