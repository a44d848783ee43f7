import type { Header } from "../../primitives/codec/index.ts";
import { slotAuthorIndex } from "../../primitives/seal.ts";
import { SealError, verifySeal } from "./seal.ts";
import { slotAt } from "./slots.ts";

export interface AuraVerifierOpts {
  slotDurationMs: number;
  /**
   * Blocks from slots this far ahead of our clock are accepted: clocks of honest nodes drift a
   * little, and rejecting a block one slot early would fork the network for no gain.
   */
  maxFutureSlots: number;
}

export interface AuraVerifierDeps<S> {
  /** The authority set in force at `parentState`. */
  authorities(parentState: S): Uint8Array[];
  /** The slot of the parent block (the runtime's `CurrentSlot` at `parentState`). */
  parentSlot(parentState: S): bigint;
  now(): number;
}

/** Who sealed a header, once its seal checked out. */
export interface SealedBy {
  slot: bigint;
  author: Uint8Array;
}

/**
 * Verifies the Aura seal and slot rules of imported headers (block import's `HeaderVerifier`):
 * the cheap checks that must pass before import spends anything on a block.
 */
export class AuraHeaderVerifier<S> {
  private readonly opts: AuraVerifierOpts;
  private readonly deps: AuraVerifierDeps<S>;

  constructor(opts: AuraVerifierOpts, deps: AuraVerifierDeps<S>) {
    this.opts = opts;
    this.deps = deps;
  }

  verify(header: Header, parentState: S): SealedBy {
    const authorities = this.deps.authorities(parentState);
    const slot = verifySeal(header, authorities);
    const currentSlot = slotAt(this.deps.now(), this.opts.slotDurationMs);
    if (slot > currentSlot + BigInt(this.opts.maxFutureSlots)) throw new SealError({ code: "FUTURE_SLOT", slot, currentSlot });
    // The runtime refuses it too, but only once the block executes.
    const previous = this.deps.parentSlot(parentState);
    if (slot <= previous) throw new SealError({ code: "SLOT_NOT_INCREASING", slot, previous });
    return { slot, author: authorities[slotAuthorIndex(slot, authorities.length)] };
  }
}
