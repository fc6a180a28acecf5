/** The checks `doctor` runs, in order. Stable identifiers: they are the `name` of each JSON step. */
export const STEP_NAMES = [
  'krb5-config',
  'credential-cache',
  'service-principal',
  'service-ticket',
  'server-challenge',
  'authenticated-request',
  'round-trips',
] as const;

export type StepName = (typeof STEP_NAMES)[number];

/** What one check found. `code` and `fix` are only set on a failure. */
export interface Step {
  name: StepName;
  ok: boolean;
  /** One line saying what was found; never a token. */
  detail: string;
  /** An axios-kerberos error code (docs/errors.md) when the failure maps to one. */
  code?: string;
  /** What to do about the failure. */
  fix?: string;
}

/** The whole verdict, printed as text or as one JSON document. */
export interface DoctorReport {
  url: string;
  /** True only when authentication works end to end. */
  ok: boolean;
  steps: Step[];
  /** HTTP requests sent (the unauthenticated probe included). */
  roundTrips: number;
  /** Wall-clock time of the whole run. */
  ms: number;
}

export function passed(name: StepName, detail: string): Step {
  return { name, ok: true, detail };
}

export function failed(name: StepName, detail: string, fix: string, code?: string): Step {
  return code === undefined ? { name, ok: false, detail, fix } : { name, ok: false, detail, code, fix };
}
