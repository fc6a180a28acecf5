import { STEP_NAMES, type DoctorReport, type StepName } from './step';

const LABELS: Record<StepName, string> = {
  'krb5-config': 'krb5 configuration',
  'credential-cache': 'credential cache',
  'service-principal': 'service principal',
  'service-ticket': 'service ticket',
  'server-challenge': 'server challenge',
  'authenticated-request': 'authenticated request',
  'round-trips': 'round trips',
};
const WIDTH = Math.max(...Object.values(LABELS).map((label) => label.length)) + 2;

/** The report for a terminal: one line per check, then the verdict and, on failure, what to do. */
export function renderText(report: DoctorReport): string {
  const lines = [`axios-kerberos doctor ${report.url}`, ''];
  for (const step of report.steps) {
    lines.push(`${step.ok ? '✓' : '✗'} ${LABELS[step.name].padEnd(WIDTH)}${step.detail}`);
    if (step.code !== undefined) lines.push(`  ${''.padEnd(WIDTH)}code: ${step.code}`);
  }
  const ran = new Set(report.steps.map((step) => step.name));
  for (const name of STEP_NAMES) {
    if (!ran.has(name)) lines.push(`- ${LABELS[name].padEnd(WIDTH)}not checked (an earlier check failed)`);
  }
  lines.push('');
  const failure = report.steps.find((step) => !step.ok);
  if (failure === undefined) {
    lines.push(`Kerberos authentication to ${report.url} works end to end.`);
  } else {
    lines.push(`Kerberos authentication to ${report.url} does not work: the ${LABELS[failure.name]} check failed.`);
    if (failure.fix !== undefined) lines.push(`What to do: ${failure.fix}.`);
  }
  return lines.join('\n') + '\n';
}

/** The same report as one JSON document. */
export function renderJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
