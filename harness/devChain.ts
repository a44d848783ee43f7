/**
 * What the end-to-end tests read from a running dev chain, through its JSON-RPC only: heads,
 * accounts, events and total issuance, plus signed transfers to submit and the fast dev spec.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bigintToBytes, bytesToBigint, fromHex, toHex } from "../primitives/bytes.ts";
import { codecs, EventPhase, type EventRecord } from "../primitives/codec/index.ts";
import { devKeypair, DEV_ACCOUNT_NAMES, type DevAccountName } from "../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../primitives/keys/ss58.ts";
import { TREASURY_ACCOUNT } from "../genesis/presets.ts";
import { fastDevSpec } from "./devNode.ts";
import { signExtrinsic } from "../runtime/extrinsic.ts";
import { transferArgs } from "../runtime/modules/balances/types.ts";
import { TotalIssuance } from "../runtime/modules/balances/storage.ts";
import { Account, Events } from "../runtime/modules/system/storage.ts";
import type { NodeProcess } from "./process.ts";

export const AKRE = 10n ** 18n;

/**
 * Writes the dev chain spec with a shorter slot (the dev preset's 2 s would make every test
 * wait) and no reward emission (see `fastDevSpec`), and returns its path, for
 * `--chain <file> --alice`. It is built in code, not by `export-chain-spec`, so these tests do
 * not depend on that command (chainSpec.test.ts tests it).
 */
export function writeFastDevSpec(dir: string, slotDurationMs: number): string {
  const spec = fastDevSpec(slotDurationMs);
  const path = join(dir, "fast-dev.json");
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

export function devAddress(name: DevAccountName): string {
  return encodeAddress(devKeypair(name).publicKey);
}

/** Every account a dev chain has: the six dev accounts and the treasury. */
export const DEV_CHAIN_ACCOUNTS: Uint8Array[] = [...DEV_ACCOUNT_NAMES.map((n) => devKeypair(n).publicKey), TREASURY_ACCOUNT];

export interface BalanceView {
  nonce: number;
  free: bigint;
  reserved: bigint;
}

/** `system_account` at the best block. */
export async function accountOf(node: NodeProcess, who: DevAccountName | Uint8Array): Promise<BalanceView> {
  const id = typeof who === "string" ? devKeypair(who).publicKey : who;
  const raw = await node.rpc<{ nonce: string; free: string; reserved: string }>("system_account", [toHex(id)]);
  return { nonce: Number(raw.nonce), free: BigInt(raw.free), reserved: BigInt(raw.reserved) };
}

/** The account at block `at`, read from storage (exact at that block, unlike `system_account`). */
export async function accountAt(node: NodeProcess, who: Uint8Array, at: string): Promise<BalanceView | null> {
  const raw = await node.rpc<string | null>("state_getStorage", [toHex(Account.key(who)), at]);
  return raw === null ? null : Account.decodeValue(fromHex(raw));
}

export async function totalIssuanceAt(node: NodeProcess, at: string): Promise<bigint> {
  const raw = await node.rpc<string | null>("state_getStorage", [toHex(TotalIssuance.key), at]);
  if (raw === null) throw new Error(`no total issuance at ${at}`);
  return bytesToBigint(fromHex(raw));
}

export interface Heads {
  best: { number: number; hash: string };
  finalized: { number: number; hash: string };
}

export async function headerAt(node: NodeProcess, hash: string): Promise<{ number: number; parentHash: string; stateRoot: string }> {
  const header = await node.rpc<{ number: string; parentHash: string; stateRoot: string } | null>("chain_getHeader", [hash]);
  if (header === null) throw new Error(`no header for ${hash}`);
  return { number: parseInt(header.number, 16), parentHash: header.parentHash, stateRoot: header.stateRoot };
}

/**
 * The best and finalized heads: each hash read first, then its header, so number and hash
 * agree; the finalized head first, so a block finalized between the two reads cannot make it
 * look ahead of the best.
 */
export async function heads(node: NodeProcess): Promise<Heads> {
  const finalizedHash = await node.rpc<string>("chain_getFinalizedHead", []);
  const bestHash = await node.rpc<string>("chain_getBlockHash", []);
  const [best, finalized] = await Promise.all([headerAt(node, bestHash), headerAt(node, finalizedHash)]);
  return { best: { number: best.number, hash: bestHash }, finalized: { number: finalized.number, hash: finalizedHash } };
}

/** The events of block `hash` (the `system.Events` value in that block's state). */
export async function blockEvents(node: NodeProcess, hash: string): Promise<EventRecord[]> {
  const raw = await node.rpc<string | null>("state_getStorage", [toHex(Events.key), hash]);
  return raw === null ? [] : codecs.eventList.decode(fromHex(raw)).events;
}

/** Fee and tip from the `TransactionFeePaid` event of extrinsic `index`. */
export function feePaid(events: EventRecord[], index: number): { fee: bigint; tip: bigint } {
  const event = events.find((e) => e.phase === EventPhase.ApplyExtrinsic && e.extrinsicIndex === index && e.name === "TransactionFeePaid");
  if (!event) throw new Error(`no TransactionFeePaid event for extrinsic ${index}`);
  const data = JSON.parse(event.data) as { actualFee: string; tip: string };
  return { fee: BigInt(data.actualFee), tip: BigInt(data.tip) };
}

/** A signed, immortal `balances.transfer` as hex, ready for `author_submitExtrinsic`. */
export function signedTransfer(genesisHash: string, from: DevAccountName, to: DevAccountName, amount: bigint, nonce: number): string {
  const call = { module: "balances", method: "transfer", args: transferArgs.encode({ dest: devKeypair(to).publicKey, value: bigintToBytes(amount) }) };
  return toHex(signExtrinsic(fromHex(genesisHash), devKeypair(from).secretSeed, call, { nonce }));
}

/** `Included in block #N (0x…) at index I`, as `tx transfer` prints it. */
export function parseInclusion(stdout: string): { number: number; hash: string; index: number } {
  const m = /Included in block #(\d+) \((0x[0-9a-f]{64})\) at index (\d+)/.exec(stdout);
  if (!m) throw new Error(`no inclusion line in:\n${stdout}`);
  return { number: Number(m[1]), hash: m[2], index: Number(m[3]) };
}
