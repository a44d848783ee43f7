/**
 * JSON-RPC for the fault scenarios: every call has a timeout (a SIGSTOPped node accepts the
 * connection and never answers), and headers from `chain_subscribeNewHeads` are turned back into
 * their hash and Aura slot, so that subscriptions can be compared with `chain_getBlockHash`.
 */
import { bytesToU32, fromHex, toHex } from "../../primitives/bytes.ts";
import type { DigestItem, Header } from "../../primitives/codec/index.ts";
import { findAuraSlot } from "../../primitives/digest.ts";
import { headerHash } from "../../node/chain/chain.ts";
import type { HeaderJson } from "../../rpc/format.ts";
import { RpcCallError, type NodeProcess } from "../process.ts";

/** Long enough for a busy 2-core machine running four nodes; short enough to notice a paused one. */
export const RPC_TIMEOUT_MS = 5000;

export async function call<T = unknown>(node: NodeProcess, method: string, params: unknown[] = [], timeoutMs = RPC_TIMEOUT_MS): Promise<T> {
  const res = await fetch(node.httpUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
  if (body.error) throw new RpcCallError(method, body.error);
  return body.result as T;
}

/** SCALE compact length at `offset`: the value and how many bytes it took. */
function compactAt(bytes: Uint8Array, offset: number): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  switch (bytes[offset] & 3) {
    case 0:
      return [bytes[offset] >> 2, 1];
    case 1:
      return [view.getUint16(0, true) >> 2, 2];
    case 2:
      return [view.getUint32(0, true) >>> 2, 4];
    default:
      return [view.getUint32(1, true), 5];
  }
}

/** The inverse of rpc/format.ts `digestLogHex`: variant byte, 4-byte engine, compact length, data. */
function digestItem(hex: string): DigestItem {
  const bytes = fromHex(hex);
  const [length, lengthBytes] = compactAt(bytes, 5);
  const data = bytes.subarray(5 + lengthBytes, 5 + lengthBytes + length);
  if (data.length !== length) throw new Error(`truncated digest log ${hex}`);
  return { kind: bytes[0], engine: bytes.subarray(1, 5), data };
}

export function headerFromJson(json: HeaderJson): Header {
  return {
    parentHash: fromHex(json.parentHash),
    number: parseInt(json.number, 16),
    stateRoot: fromHex(json.stateRoot),
    extrinsicsRoot: fromHex(json.extrinsicsRoot),
    digest: json.digest.logs.map(digestItem),
    readingsRoot: fromHex(json.readingsRoot),
  };
}

export interface BlockRef {
  number: number;
  hash: string;
  parentHash: string;
  /** The Aura slot the block was authored in (its author is `authorities[slot % n]`); null for genesis. */
  slot: number | null;
}

export function blockRefOf(json: HeaderJson): BlockRef {
  const header = headerFromJson(json);
  const slot = findAuraSlot(header.digest);
  return { number: header.number, hash: toHex(headerHash(header)), parentHash: json.parentHash, slot: slot === null ? null : Number(slot) };
}

export async function headerRef(node: NodeProcess, hash?: string): Promise<BlockRef> {
  const json = await call<HeaderJson | null>(node, "chain_getHeader", hash === undefined ? [] : [hash]);
  if (json === null) throw new Error(`no header ${hash ?? "(best)"}`);
  return blockRefOf(json);
}

export interface NodeHeads {
  best: BlockRef;
  finalized: BlockRef;
}

/** Finalized head first, so that a block finalized between the reads cannot look ahead of the best. */
export async function nodeHeads(node: NodeProcess): Promise<NodeHeads> {
  const finalizedHash = await call<string>(node, "chain_getFinalizedHead");
  const finalized = await headerRef(node, finalizedHash);
  const best = await headerRef(node);
  return { best, finalized };
}

/** Canonical hashes of `from..to`, in calls of at most 256 numbers. */
export async function canonicalHashes(node: NodeProcess, from: number, to: number): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (let start = from; start <= to; start += 256) {
    const numbers = Array.from({ length: Math.min(256, to - start + 1) }, (_, i) => start + i);
    out.push(...(await call<Array<string | null>>(node, "chain_getBlockHash", [numbers])));
  }
  return out;
}

export async function storageAt(node: NodeProcess, key: Uint8Array, at?: string): Promise<Uint8Array | null> {
  const raw = await call<string | null>(node, "state_getStorage", at === undefined ? [toHex(key)] : [toHex(key), at]);
  return raw === null ? null : fromHex(raw);
}

export async function u32At(node: NodeProcess, key: Uint8Array): Promise<number | null> {
  const raw = await storageAt(node, key);
  return raw === null ? null : bytesToU32(raw);
}

/** A labelled counter from a node's Prometheus exposition, e.g. `arkreen_p2p_gossip_received_total{kind="blocks",result="ignore"}`; 0 when absent. */
export async function counterValue(metricsUrl: string, series: string): Promise<number> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(RPC_TIMEOUT_MS) })).text();
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
