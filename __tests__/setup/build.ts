import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Builds dist/ once per Jest run when it is missing or older than lib/: some tests run the
 * built package in child processes (NODE_DEBUG is read at process start; the CLI is a bin).
 * Runs in global setup, before any test, so no test sees dist/ half-written.
 */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(root, 'dist/index.mjs')).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newest(join(root, 'lib'))) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export default ensureBuilt;
