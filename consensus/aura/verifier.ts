import type { Header } from "../../primitives/codec/index.ts";
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
  now(): number;
}

/** Verifies the Aura seal of imported headers (block import's `HeaderVerifier`). */
export class AuraHeaderVerifier<S> {
  private readonly opts: AuraVerifierOpts;
  private readonly deps: AuraVerifierDeps<S>;

  constructor(opts: AuraVerifierOpts, deps: AuraVerifierDeps<S>) {
    this.opts = opts;
    this.deps = deps;
  }

  verify(header: Header, parentState: S): void {
    const slot = verifySeal(header, this.deps.authorities(parentState));
    const currentSlot = slotAt(this.deps.now(), this.opts.slotDurationMs);
    if (slot > currentSlot + BigInt(this.opts.maxFutureSlots)) throw new SealError({ code: "FUTURE_SLOT", slot, currentSlot });
  }
}
