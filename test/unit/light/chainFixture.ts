/** The light verifier's in-memory chain builder lives in harness/lightChain.ts (the proofs benchmark uses it too). */
export * from "../../../harness/lightChain.ts";
