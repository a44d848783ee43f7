/**
 * The node's wall clock: slots, block timestamps, the future-slot check, readings' interval
 * window and finality round timers all read it. `offsetMs` shifts it, so that the fault
 * scenarios can run one node with a skewed clock (`ARKREEN_CLOCK_OFFSET_MS`, test only:
 * docs/security.md); a production node runs with 0 and keeps its clock in sync with NTP.
 */
export type WallClock = () => number;

export function wallClock(offsetMs = 0): WallClock {
  if (offsetMs === 0) return Date.now;
  return () => Date.now() + offsetMs;
}

/** The test-only clock offset from the environment; 0 when unset. */
export function clockOffsetFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ARKREEN_CLOCK_OFFSET_MS;
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`ARKREEN_CLOCK_OFFSET_MS must be an integer number of milliseconds, got ${raw}`);
  return n;
}
