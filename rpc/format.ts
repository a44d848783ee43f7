import { concatBytes, toHex } from "../primitives/bytes.ts";
import type { Block, DigestItem, Header, Justification } from "../primitives/codec/index.ts";

/** SCALE compact integer (Substrate's length prefix), for lengths below 2^32. */
function compact(n: number): Uint8Array {
  if (n < 1 << 6) return Uint8Array.of(n << 2);
  const out = new DataView(new ArrayBuffer(5));
  if (n < 1 << 14) {
    out.setUint16(0, (n << 2) | 1, true);
    return new Uint8Array(out.buffer, 0, 2);
  }
  if (n < 1 << 30) {
    out.setUint32(0, ((n << 2) | 2) >>> 0, true);
    return new Uint8Array(out.buffer, 0, 4);
  }
  out.setUint8(0, 3);
  out.setUint32(1, n, true);
  return new Uint8Array(out.buffer);
}

/**
 * A digest item as Substrate's JSON-RPC shows it: SCALE-encoded `DigestItem` (variant byte,
 * 4-byte engine id, compact-length-prefixed data), so polkadot.js decodes our logs unchanged.
 */
export function digestLogHex(item: DigestItem): string {
  return toHex(concatBytes(Uint8Array.of(item.kind), item.engine, compact(item.data.length), item.data));
}

export interface HeaderJson {
  parentHash: string;
  number: string;
  stateRoot: string;
  extrinsicsRoot: string;
  digest: { logs: string[] };
  /** Arkreen's commitment to the block's readings ("0x" when it has none). */
  readingsRoot: string;
}

/**
 * Formatted headers by header object: the chain hands out one cached object per header, so the
 * same header asked for by many calls (`chain_getHeader` under load, every new-heads subscriber)
 * is formatted once. The JSON is shared and never modified.
 */
const formattedHeaders = new WeakMap<Header, HeaderJson>();

export function headerJson(header: Header): HeaderJson {
  let json = formattedHeaders.get(header);
  if (json === undefined) {
    json = {
      parentHash: toHex(header.parentHash),
      number: "0x" + header.number.toString(16),
      stateRoot: toHex(header.stateRoot),
      extrinsicsRoot: toHex(header.extrinsicsRoot),
      digest: { logs: header.digest.map(digestLogHex) },
      readingsRoot: toHex(header.readingsRoot ?? new Uint8Array(0)),
    };
    formattedHeaders.set(header, json);
  }
  return json;
}

/** `chain_getBlock`'s `SignedBlock`: the block plus its justifications (engine id, data). */
export function signedBlockJson(block: Block, justification: Justification | undefined) {
  return {
    block: {
      header: headerJson(block.header),
      extrinsics: block.extrinsics.map(toHex),
      readings: (block.readings ?? []).map(toHex),
      readingsSignature: toHex(block.readingsSignature ?? new Uint8Array(0)),
    },
    justifications: justification ? [[toHex(justification.engine), toHex(justification.data)]] : null,
  };
}
