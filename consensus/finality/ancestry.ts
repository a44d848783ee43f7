import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import type { BlockRef, ChainView } from "./types.ts";
import { isSupermajority } from "./weight.ts";

/**
 * The highest block at or above `base` on which the votes' weight, plus `extra` weight that may
 * support any block, is a supermajority: weight counts for a block when the vote's target is the
 * block or one of its descendants (GRANDPA's GHOST). Blocks with a supermajority form one chain,
 * since two conflicting ones would need more weight than exists; null when not even `base` has one.
 * Targets unknown to the chain, off `base`'s chain, or naming a number that is not their block's
 * count for nothing.
 */
export function supermajorityHead(chain: ChainView, base: BlockRef, votes: ReadonlyArray<BlockRef & { weight: bigint }>, extra: bigint, total: bigint): BlockRef | null {
  const support = new Map<string, { ref: BlockRef; weight: bigint }>();
  let baseWeight = extra;
  for (const { hash, number, weight } of votes) {
    let header = chain.header(hash);
    if (header === undefined || header.number !== number || !chain.isDescendant(base.hash, hash)) continue;
    baseWeight += weight;
    let cursor = hash;
    while (header !== undefined && header.number > base.number) {
      const id = toHex(cursor);
      const entry = support.get(id);
      if (entry) entry.weight += weight;
      else support.set(id, { ref: { hash: cursor, number: header.number }, weight: weight + extra });
      cursor = header.parentHash;
      header = chain.header(cursor);
    }
  }
  if (!isSupermajority(baseWeight, total)) return null;
  let best: BlockRef = base;
  for (const { ref, weight } of support.values()) {
    if (ref.number > best.number && isSupermajority(weight, total)) best = ref;
  }
  return best;
}

export function sameBlock(a: BlockRef, b: BlockRef): boolean {
  return a.number === b.number && bytesEqual(a.hash, b.hash);
}
