/**
 * Test-only crash points: named places on the block import, finality and vote paths where
 * `ARKREEN_CRASH_AT=<name>[:<nth>]` makes the process kill itself with SIGKILL the nth time it
 * gets there (default: the first). Nothing is flushed and nothing is closed, exactly as with an
 * external `kill -9`, so that test/e2e/crashPoints.test.ts can check that a restart at each step
 * comes back consistent with the network. The variable is read once at module load; unset, a
 * crash point is one comparison.
 */

/** Every crash point, in the order the node reaches them for a block it authors. */
export const CRASH_POINTS = [
  /** Authoring: the block is built and sealed, not yet imported (node/authoring/blockProposer.ts). */
  "authoring.after-seal-before-import",
  /** Import: the block passed every check, its atomic batch is not written (node/chain/chain.ts). */
  "import.before-batch",
  /** Import: the batch is written, the in-memory best head has not moved, nobody was told. */
  "import.after-batch",
  /** Import: the best head moved, the imported/newBest listeners have not run. */
  "import.after-head-update",
  /** Authoring: the own block is imported, not yet announced by gossip (node/network/networkService.ts). */
  "authoring.after-import-before-announce",
  /**
   * Pruning: the pruning writes of a finalization (settled journals, reference counts, trie node
   * and body deletions; node/chain/statePruner.ts) are built, nothing is written. Reached at every
   * finalization unless both --state-pruning and --blocks-pruning are archive.
   */
  "pruning.finalize-ops-built",
  /** Finality: a finalization is checked, its batch (finalized head, justification, pruning) is not written. */
  "finality.before-finalize-batch",
  /** Finality: the finalization batch is written, the in-memory finalized head has not moved. */
  "finality.after-finalize-batch",
  /** Vote: a vote is signed, not yet persisted (node/db/voteRepository.ts); it was never sent. */
  "vote.before-persist",
  /** Vote: the vote is persisted, not yet broadcast. */
  "vote.after-persist-before-broadcast",
  /** Vote: gossip accepted the vote for sending to peers (node/network/networkService.ts). */
  "vote.after-broadcast",
] as const;

export type CrashPointName = (typeof CRASH_POINTS)[number];

export interface CrashTarget {
  name: CrashPointName;
  /** Which occurrence kills the process, from 1. */
  nth: number;
}

/** Parses `ARKREEN_CRASH_AT`; null when unset or empty; throws on a name that is no crash point. */
export function parseCrashTarget(value: string | undefined): CrashTarget | null {
  if (value === undefined || value === "") return null;
  const match = /^([a-z.-]+)(?::(\d+))?$/.exec(value);
  const name = match?.[1] as CrashPointName | undefined;
  if (!match || name === undefined || !CRASH_POINTS.includes(name)) {
    throw new Error(`ARKREEN_CRASH_AT=${value}: expected <crash point>[:<nth>], crash points: ${CRASH_POINTS.join(", ")}`);
  }
  const nth = match[2] === undefined ? 1 : Number(match[2]);
  if (!Number.isSafeInteger(nth) || nth < 1) throw new Error(`ARKREEN_CRASH_AT=${value}: the occurrence must be 1 or more`);
  return { name, nth };
}

const target = parseCrashTarget(process.env.ARKREEN_CRASH_AT);
let reached = 0;

/** Kills the process on the spot when `ARKREEN_CRASH_AT` names this point and occurrence. */
export function crashPoint(name: CrashPointName): void {
  if (target === null || target.name !== name || ++reached < target.nth) return;
  // One synchronous line so the test can tell this crash from any other death.
  process.stderr.write(`crash point ${name} reached (occurrence ${reached}): SIGKILL\n`);
  process.kill(process.pid, "SIGKILL");
}
