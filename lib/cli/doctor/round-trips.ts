import { passed, type Step } from './step';

export interface RoundTripInput {
  probe: number;
  authenticated: number;
  ms: number;
}

/** Check 7: what the exchange cost. Informational: it never fails. */
export function summarizeRoundTrips({ probe, authenticated, ms }: RoundTripInput): Step {
  const total = probe + authenticated;
  return passed(
    'round-trips',
    `${total} HTTP request${total === 1 ? '' : 's'} (${probe} without credentials, ${authenticated} authenticated) ` +
      `in ${Math.round(ms)} ms in total`,
  );
}
