/** The BLS finality gadget (docs/consensus.md): what the node wires and what import and sync verify with. */
export { FinalityGadget, type FinalityGadgetDeps, type FinalityGadgetOpts } from "./gadget.ts";
export { BLS_FINALITY_ENGINE, buildJustification, verifyJustification } from "./justification.ts";
export { JustificationError, type JustificationErrorType } from "./errors.ts";
export { createFinalityMetrics, type FinalityMetrics } from "./metrics.ts";
export { decodeSigners, encodeSigners } from "../../primitives/finality/signerBitfield.ts";
export { isSupermajority, totalWeight } from "./weight.ts";
export {
  systemClock,
  type BlockRef,
  type ChainView,
  type EquivocationHandler,
  type FinalityClock,
  type FinalizeFn,
  type HeaderView,
  type RoundBase,
  type Voter,
  type VoterSet,
  type VoterSetProvider,
  type VoteNetwork,
  type VoteStore,
} from "./types.ts";
