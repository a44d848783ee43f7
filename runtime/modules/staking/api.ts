/** The staking module as node, RPC and validators' tools see it: the finality set, session keys and their proofs of possession, and equivocation reports. */
export { currentFinalitySet, validatorStakes } from "./queries.ts";
export { devFinalityKeypair, finalityKeypairFromAuthoringSeed, signAuthoringPop, signFinalityPop } from "./keys.ts";
export { blockEquivocationProofCodec, reportEquivocationArgsCodec, type BlockEquivocationProof, type FinalityAuthoritySet } from "./types.ts";
