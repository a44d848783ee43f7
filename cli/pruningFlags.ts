import type { BlocksPruning, PruningRequest, StatePruning } from "../node/chain/statePruner.ts";

/**
 * The smallest `--state-pruning <n>`: the finality gadget reads the voter set in the finalized
 * block's state, justifications arriving late and offence reports read the states of recent
 * blocks, and RPC clients following finalized heads read a few blocks behind. Eight finalized
 * states cover all of them with room (one to three at a time in practice); Substrate's default 256
 * is the sensible value for an RPC node.
 */
export const MIN_STATE_PRUNING = 8;

/** Largest n for either flag (a u32 block count). */
const MAX_BLOCKS = 0xffff_ffff;

function count(flag: string, value: string, min: number): number {
  if (!/^\d+$/.test(value)) throw new Error(`invalid --${flag} "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > MAX_BLOCKS) throw new Error(`invalid --${flag} "${value}": expected a number of blocks from ${min} to ${MAX_BLOCKS}`);
  return n;
}

/** `--state-pruning <archive|n>` (also `--pruning`, Substrate's older name). */
export function parseStatePruning(value: string, flag = "state-pruning"): StatePruning {
  const v = value.trim().toLowerCase();
  if (v === "archive") return "archive";
  if (!/^\d+$/.test(v)) throw new Error(`invalid --${flag} "${value}": expected archive or a number of finalized blocks whose state is kept (at least ${MIN_STATE_PRUNING})`);
  return count(flag, v, MIN_STATE_PRUNING);
}

/** `--blocks-pruning <archive|archive-canonical|n>`. */
export function parseBlocksPruning(value: string): BlocksPruning {
  const v = value.trim().toLowerCase();
  if (v === "archive" || v === "archive-canonical") return v;
  if (!/^\d+$/.test(v)) throw new Error(`invalid --blocks-pruning "${value}": expected archive, archive-canonical or a number of finalized blocks whose bodies are kept`);
  return count("blocks-pruning", v, 1);
}

/**
 * The pruning the flags ask for, only what was given: an absent `--state-pruning` lets the chain
 * use the database's stored mode (`DEFAULT_PRUNING` for a new one), so an archive database from
 * before pruning existed starts as it is instead of being refused (`ChainPruner.open`).
 * `--pruning` is `--state-pruning`'s older name.
 */
export function pruningFromFlags(flags: { statePruning?: string; pruning?: string; blocksPruning?: string }): PruningRequest {
  if (flags.statePruning !== undefined && flags.pruning !== undefined) throw new Error("give --state-pruning or its older name --pruning, not both");
  const state = flags.statePruning ?? flags.pruning;
  return {
    ...(state === undefined ? {} : { state: parseStatePruning(state, flags.statePruning !== undefined ? "state-pruning" : "pruning") }),
    ...(flags.blocksPruning === undefined ? {} : { blocks: parseBlocksPruning(flags.blocksPruning) }),
  };
}
