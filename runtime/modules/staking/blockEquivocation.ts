import { bytesEqual } from "../../../primitives/bytes.ts";
import { codecs, type Header } from "../../../primitives/codec/index.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { isSealedBy, sealedSlot, slotAuthorIndex } from "../../../primitives/seal.ts";
import type { BlockContext } from "../../framework/module.ts";
import type { StateReader } from "../../framework/state.ts";
import { StakingError } from "./errors.ts";
import { sessionOf } from "./session.ts";
import { slash } from "./slashing.ts";
import { BlockOffences, CurrentSession, KeyOwner, PastSessionAuthors, PlannedSets } from "./storage.ts";
import { blockEquivocationProofCodec, type StakingConfig } from "./types.ts";

/** A proven block equivocation: the slot, the author's key and the stash that owns it. */
export interface BlockEquivocation {
  slot: bigint;
  authoringKey: Uint8Array;
  stash: Uint8Array;
}

function decodeHeader(bytes: Uint8Array, which: string): Header {
  try {
    return codecs.header.decode(bytes);
  } catch (e) {
    throw new StakingError("MalformedProof", { header: which, reason: (e as Error).message });
  }
}

function slotOf(header: Header, which: string): bigint {
  try {
    return sealedSlot(header);
  } catch (e) {
    throw new StakingError("MalformedProof", { header: which, reason: (e as Error).message });
  }
}

/**
 * The authoring keys, in slot order, of `session`'s set: the current session's from `PlannedSets`,
 * a past one's from `PastSessionAuthors`; undefined for a future session or one no longer kept.
 */
function sessionAuthors(state: StateReader, session: number): Uint8Array[] | undefined {
  const current = CurrentSession.get(state);
  if (session > current) return undefined;
  if (session === current) return PlannedSets.get(state, session)?.map((v) => v.authoringKey);
  return PastSessionAuthors.get(state, session);
}

/**
 * The author of a sealed header: `authorities[slot mod n]` of the set of the header's session
 * (block n is authored in session ⌊n ÷ sessionLengthBlocks⌋), which must have sealed it.
 */
function sealer(ctx: BlockContext, config: StakingConfig, header: Header, slot: bigint, which: string): Uint8Array {
  const session = sessionOf(header.number, config);
  const authors = sessionAuthors(ctx.state, session);
  if (authors === undefined || authors.length === 0) throw new StakingError("UnknownSession", { header: which, session });
  const author = authors[slotAuthorIndex(slot, authors.length)];
  if (!isSealedBy(header, author)) throw new StakingError("BadSeal", { header: which, slot });
  return author;
}

/**
 * Checks a block equivocation proof: two different headers, both sealed for the same Aura slot by
 * the slot's author in their session's set (sessions are kept as long as finality sets, see
 * `setHistoryDepth`), that author's key owned by a stash, the offence not reported yet. Throws
 * `StakingError` naming the first rule the proof breaks.
 */
export function verifyBlockEquivocation(ctx: BlockContext, config: StakingConfig, proofBytes: Uint8Array): BlockEquivocation {
  let proof;
  try {
    proof = blockEquivocationProofCodec.decode(proofBytes);
  } catch (e) {
    throw new StakingError("MalformedProof", { reason: (e as Error).message });
  }
  const first = decodeHeader(proof.firstHeader, "first");
  const second = decodeHeader(proof.secondHeader, "second");
  const slot = slotOf(first, "first");
  const secondSlot = slotOf(second, "second");
  if (slot !== secondSlot) throw new StakingError("NotEquivocation", { reason: "different slots", slot, secondSlot });
  // Compared as block hashes are computed, so two encodings of one header are one header.
  if (bytesEqual(blake2b256(codecs.header.encode(first)), blake2b256(codecs.header.encode(second)))) throw new StakingError("NotEquivocation", { reason: "the same header" });
  const authoringKey = sealer(ctx, config, first, slot, "first");
  if (!bytesEqual(sealer(ctx, config, second, slot, "second"), authoringKey)) throw new StakingError("NotEquivocation", { reason: "different authors", slot });
  const stash = KeyOwner.get(ctx.state, authoringKey);
  if (stash === undefined) throw new StakingError("UnknownKey", { key: authoringKey });
  if (BlockOffences.contains(ctx.state, slot, stash)) throw new StakingError("AlreadyReported", { slot, offender: stash });
  return { slot, authoringKey, stash };
}

/** `reportBlockEquivocation(proof)` by anyone: slashed through the same path as vote equivocations, once per (slot, offender). */
export function reportBlockEquivocation(ctx: BlockContext, config: StakingConfig, reporter: Uint8Array, proofBytes: Uint8Array): void {
  const { slot, stash } = verifyBlockEquivocation(ctx, config, proofBytes);
  const slashed = slash(ctx, config, reporter, { stash, details: { slot } });
  BlockOffences.set(ctx.state, slot, stash, { reporter, slashed, block: ctx.number });
}
