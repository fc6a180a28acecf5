import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
/** The CLI as users run it: the compiled bin of package.json. */
export const CLI = join(ROOT, 'dist/cli/main.js');

/**
 * Fails clearly when the built CLI is missing. The global setup of both Jest projects builds
 * dist/ once per run when it is missing or older than lib/ (__tests__/setup/build.ts), before
 * any test starts, so this only trips when that setup did not run.
 */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: dist/ is built by the Jest global setup (__tests__/setup/build.ts)`);
  }
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
