import type { Block, Header, Justification } from "../../primitives/codec/index.ts";
import type { StateReader } from "../../runtime/api.ts";
import type { DetectedBlockEquivocation } from "./blockEquivocation.ts";

export interface HeadInfo {
  hash: Uint8Array;
  number: number;
  header: Header;
}

/**
 * Where a block came from. `own`: authored here, not re-executed. `gossip`: pushed to us by a
 * peer — at most one verification per (author, slot), see `BlockImportError` `SLOT_EQUIVOCATION`.
 * `network`: requested from a peer's chain (sync), verified whatever was seen before: the network
 * may have built on a block this node first refused. `file`: import-blocks.
 */
export type BlockOrigin = "own" | "gossip" | "network" | "file";

export interface ImportedBlock {
  hash: Uint8Array;
  origin: BlockOrigin;
  header: Header;
  extrinsics: Uint8Array[];
  /** Encoded readings. */
  readings: Uint8Array[];
  /** True when the block became the new best head. */
  isNewBest: boolean;
}

/** Checks a header's consensus seal and slot rules against its parent's state (Aura in consensus/); names who sealed it. */
export interface HeaderVerifier {
  verify(header: Header, parentState: StateReader): { slot: bigint; author: Uint8Array };
}

/**
 * Checks a block's body beyond its extrinsics: its readings' root, count, devices and aggregate
 * signature. `check` does the cheap part against the parent state and hands back what is
 * expensive — the aggregate's pairing — which import runs last, after the state root.
 */
export interface BlockBodyVerifier {
  check(block: Block, parentState: StateReader): PendingSignatureCheck | null;
}

/** The expensive rest of a body check: one multi-pairing, off the main thread. */
export interface PendingSignatureCheck {
  /** Signatures it covers (one pairing each). */
  readonly count: number;
  /** Resolves when the signature is valid; rejects with a verdict on the block otherwise. */
  verify(): Promise<void>;
}

/** The state writes of an already-executed block, so that authoring does not execute twice. */
export interface ExecutedBlock {
  block: Block;
  stateRoot: Uint8Array;
  trieNodes: Array<[Uint8Array, Uint8Array]>;
  /** The stored nodes of the parent state the block's state replaced (`MerkleTrie.commit().removed`). */
  removedNodes: Uint8Array[];
}

export interface ChainEvents {
  imported: [ImportedBlock];
  /** A second sealed header by one author for one slot, seen by import (once per slot and author). */
  blockEquivocation: [DetectedBlockEquivocation];
  newBest: [HeadInfo];
  finalized: [HeadInfo, Justification | null];
}
