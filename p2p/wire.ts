import { NetworkError } from "./errors.ts";

/**
 * Wire formats of the request/response protocols: fixed binary layouts, big-endian, with block
 * numbers as u64 (read back into JS numbers; a chain at 6 s slots never leaves the safe range).
 */

export interface BlockRef {
  hash: Uint8Array;
  number: number;
}

/** The status handshake: what chain a node is on and how far it got. */
export interface ChainStatusMessage {
  genesisHash: Uint8Array;
  best: BlockRef;
  finalized: BlockRef;
}

/** A block-range request: `count` canonical blocks from `from`, ascending. */
export interface BlocksRequest {
  from: number;
  count: number;
}

/** One block of a range response, encoded as the chain stores it, with its justification if it has one. */
export interface BlockWithJustification {
  number: number;
  block: Uint8Array;
  justification: Uint8Array | null;
}

const HASH = 32;
export const STATUS_LENGTH = HASH + (8 + HASH) * 2;
export const BLOCKS_REQUEST_LENGTH = 12;

function bad(reason: string): NetworkError {
  return new NetworkError({ code: "BAD_REQUEST", reason });
}

function readU64(view: DataView, offset: number): number {
  const value = view.getBigUint64(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw bad("block number out of range");
  return Number(value);
}

export function encodeStatus(status: ChainStatusMessage): Uint8Array {
  const out = new Uint8Array(STATUS_LENGTH);
  const view = new DataView(out.buffer);
  out.set(status.genesisHash, 0);
  view.setBigUint64(HASH, BigInt(status.best.number));
  out.set(status.best.hash, HASH + 8);
  view.setBigUint64(HASH * 2 + 8, BigInt(status.finalized.number));
  out.set(status.finalized.hash, HASH * 2 + 16);
  return out;
}

export function decodeStatus(bytes: Uint8Array): ChainStatusMessage {
  if (bytes.length !== STATUS_LENGTH) throw bad(`status must be ${STATUS_LENGTH} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const status = {
    genesisHash: bytes.slice(0, HASH),
    best: { number: readU64(view, HASH), hash: bytes.slice(HASH + 8, HASH * 2 + 8) },
    finalized: { number: readU64(view, HASH * 2 + 8), hash: bytes.slice(HASH * 2 + 16) },
  };
  if (status.finalized.number > status.best.number) throw bad("finalized ahead of best");
  return status;
}

export function encodeBlocksRequest(request: BlocksRequest): Uint8Array {
  const out = new Uint8Array(BLOCKS_REQUEST_LENGTH);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(request.from));
  view.setUint32(8, request.count);
  return out;
}

export function decodeBlocksRequest(bytes: Uint8Array): BlocksRequest {
  if (bytes.length !== BLOCKS_REQUEST_LENGTH) throw bad(`block request must be ${BLOCKS_REQUEST_LENGTH} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { from: readU64(view, 0), count: view.getUint32(8) };
}

/** `number u64 | block length u32 | block | justification (the rest; empty when none)`. */
export function encodeBlockItem(item: BlockWithJustification): Uint8Array {
  const justification = item.justification ?? new Uint8Array(0);
  const out = new Uint8Array(12 + item.block.length + justification.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(item.number));
  view.setUint32(8, item.block.length);
  out.set(item.block, 12);
  out.set(justification, 12 + item.block.length);
  return out;
}

export function decodeBlockItem(bytes: Uint8Array): BlockWithJustification {
  if (bytes.length < 12) throw bad("block item too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const number = readU64(view, 0);
  const blockLength = view.getUint32(8);
  if (12 + blockLength > bytes.length) throw bad("block item length out of range");
  const justification = bytes.slice(12 + blockLength);
  return { number, block: bytes.slice(12, 12 + blockLength), justification: justification.length > 0 ? justification : null };
}
