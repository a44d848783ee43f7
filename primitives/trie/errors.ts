import { ArkreenError } from "../errors.ts";

/** Failures of a database-backed trie: the database lacks a node or holds a malformed one. */
export type TrieErrorType =
  | { code: "MISSING_NODE"; hash: string }
  | { code: "INVALID_NODE"; hash: string; reason: string };

export class TrieError extends ArkreenError<TrieErrorType> {}

/** Reasons a proof does not authenticate against a root (`verifyProof`). */
export type TrieProofErrorType =
  /** No proof node hashes to the root: the proof is for another state, or empty. */
  | { code: "ROOT_MISMATCH"; root: string }
  /** A node referenced on the key's path is not in the proof (or was altered). */
  | { code: "MISSING_NODE"; hash: string }
  /** A node on the path hashes correctly but is not a valid node encoding. */
  | { code: "INVALID_NODE"; hash: string; reason: string };

export class TrieProofError extends ArkreenError<TrieProofErrorType> {}
