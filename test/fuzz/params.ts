/**
 * Run parameters shared by every fuzz property (docs/fuzzing.md):
 *
 * - one seed per process, from `FUZZ_SEED` or drawn at start; every property runs from it and
 *   fast-check prints it (with the shrink `path`) in the failure message;
 * - `FUZZ_RUNS` replaces each property's default run count (sized so the whole directory stays
 *   under a minute in the default suite) for long runs;
 * - `FUZZ_PATH` replays one counterexample, with `--grep` picking its property.
 */
import type { Parameters } from "fast-check";

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${raw}`);
  return n;
}

const runs = envInt("FUZZ_RUNS");
const seed = envInt("FUZZ_SEED") ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
const path = process.env.FUZZ_PATH || undefined;

/** True when FUZZ_RUNS asks for a long run: suites lift their mocha timeouts. */
export const longRun = runs !== undefined;

/** fast-check parameters for a property that runs `defaultRuns` times in the default suite. */
export function fuzzParams<T>(defaultRuns: number): Parameters<T> {
  return { seed, path, numRuns: runs ?? defaultRuns };
}

/** Mocha timeout for a suite whose default runs take at most `ms`. */
export function fuzzTimeout(ms: number): number {
  return longRun ? 0 : ms;
}
