import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** The CLI as users run it: the compiled bin of package.json. */
export const CLI = join(ROOT, 'dist/cli/main.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * The integration global setup builds dist/ once per run; this only rebuilds when the CLI
 * sources changed after that (or the setup did not build), without `rm -rf dist` so that
 * other test files running the package meanwhile never see it missing.
 */
export function ensureCliBuilt(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newest(join(ROOT, 'lib/cli'))) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch {
    // tsc still emits when a file elsewhere in lib/ has a type error; what matters here is the CLI.
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} was not built`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI in a child process. Jest gives tests a copy of process.env, so the
 * environment (the realm's KRB5_CONFIG, KRB5CCNAME, …) is passed explicitly.
 */
export function runBuiltCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20000): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The JSON document `doctor --json` prints. */
export interface DoctorJson {
  url: string;
  ok: boolean;
  steps: { name: string; ok: boolean; detail: string; code?: string; fix?: string }[];
  roundTrips: number;
  ms: number;
}

/** The failing step of a report (the last one, since doctor stops at the first failure). */
export function failedStep(report: DoctorJson): DoctorJson['steps'][number] | undefined {
  return report.steps.find((step) => !step.ok);
}
