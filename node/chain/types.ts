import type { Block, Header, Justification } from "../../primitives/codec/index.ts";
import type { StateReader } from "../../runtime/framework/state.ts";

export interface HeadInfo {
  hash: Uint8Array;
  number: number;
  header: Header;
}

/** Where a block came from: a block the node authored is not re-executed. */
export type BlockOrigin = "own" | "network" | "file";

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

/** Checks a header's consensus seal against its parent's state (Aura in consensus/). */
export interface HeaderVerifier {
  verify(header: Header, parentState: StateReader): void;
}

/** Checks a block's body beyond its extrinsics (its readings' root and aggregate signature). */
export interface BlockBodyVerifier {
  verify(block: Block, parentState: StateReader): void;
}

/** The state writes of an already-executed block, so that authoring does not execute twice. */
export interface ExecutedBlock {
  block: Block;
  stateRoot: Uint8Array;
  trieNodes: Array<[Uint8Array, Uint8Array]>;
}

export interface ChainEvents {
  imported: [ImportedBlock];
  newBest: [HeadInfo];
  finalized: [HeadInfo, Justification | null];
}
