import { slotAt } from "../../consensus/aura/slots.ts";
import { aura, system, type Executive, type pog } from "../../runtime/api.ts";
import type { Chain } from "../chain/chain.ts";
import type { ReadingValidator } from "./types.ts";

/**
 * The readings pool's validator: the runtime's `validateReadings` against the best block's state,
 * at the slot the next block may have — the slot this node's clock is in (the one it would author
 * in), and at least the one after the best block's. The runtime takes the slot as an argument and
 * reads no clock; the interval it allows ("ended before the block's slot") follows from it.
 */
export class RuntimeReadingValidator implements ReadingValidator {
  private readonly chain: Chain;
  private readonly executive: Executive;
  private readonly now: () => number;

  constructor(deps: { chain: Chain; executive: Executive; now(): number }) {
    this.chain = deps.chain;
    this.executive = deps.executive;
    this.now = deps.now;
  }

  validate(readings: readonly pog.Reading[]): pog.ReadingValidity[] {
    const state = this.chain.stateAt();
    const clock = slotAt(this.now(), system.runtimeConfig(state).slotDurationMs);
    const afterBest = aura.currentSlot(state) + 1n;
    return this.executive.validateReadings(state, readings, clock > afterBest ? clock : afterBest);
  }
}
