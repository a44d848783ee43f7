/**
 * The invariants every fault scenario must keep, checked through RPC only:
 *
 * - every node has the same block hash at every height up to the lowest best head;
 * - no two finalized heads conflict: each height any node ever reported finalized has one hash,
 *   the one of the final canonical chain, and no node's finalized height ever went down;
 * - no transaction is applied twice: on the canonical chain each extrinsic hash appears once at
 *   most, each sender's nonces go 0, 1, 2… with no repeat or gap, and its account nonce equals
 *   the number of its extrinsics;
 * - no reading is credited twice: each (device, interval) is credited (in a block and not
 *   refused by a `ReadingRejected` event) in one canonical block at most, and the pog
 *   `GenerationDays` storage (`pog_generation`) holds exactly those credits, each with its block —
 *   except credits whose (device, day) page is older than the claim window, which the runtime
 *   removes (absent is then allowed; present must still match).
 *
 * Blocks and events are fetched once per hash and kept, so that auditing after every scenario
 * costs only the blocks since the previous audit.
 */
import { fromHex, toHex } from "../../primitives/bytes.ts";
import { codecs, type EventRecord } from "../../primitives/codec/index.ts";
import { extrinsicHash } from "../../runtime/extrinsic.ts";
import { INTERVALS_PER_DAY_RECORD } from "../../runtime/modules/pog/generation.ts";
import { POG_CONFIG_STORAGE_KEY } from "../../runtime/modules/pog/queries.ts";
import { pogConfigCodec, readingCodec } from "../../runtime/modules/pog/types.ts";
import { Account, Events } from "../../runtime/modules/system/storage.ts";
import { waitUntil, type NodeProcess } from "../process.ts";
import type { FaultNet } from "./faultNet.ts";
import type { ReadingLoad, TransferLoad } from "./load.ts";
import type { HeadMonitor } from "./monitor.ts";
import { call, canonicalHashes, nodeHeads, storageAt } from "./rpc.ts";

export interface InvariantReport {
  /** Heights checked on every node (1..this). */
  commonHeight: number;
  /** Each entry one violation, described; all must be empty. */
  hashMismatches: string[];
  conflictingFinalized: string[];
  finalizedDecreases: string[];
  doubleAppliedTxs: string[];
  nonceViolations: string[];
  doubleCreditedReadings: string[];
  creditMismatches: string[];
  /** Load that made it: distinct transfers of the load on the chain, readings credited. */
  transfersIncluded: number;
  readingsCredited: number;
}

/** What the audit reads of a canonical block. */
export interface BlockContent {
  number: number;
  /** Extrinsics, hex. */
  extrinsics: string[];
  /** Encoded pog readings, hex. */
  readings: string[];
}

export interface ReadingRef {
  deviceId: number;
  interval: number;
}

/** Finalized heads reported (number → hashes) against the final canonical chain (hash by number). */
export function finalizedConflicts(reported: Map<number, Set<string>>, canonical: readonly string[]): string[] {
  const out: string[] = [];
  for (const [number, hashes] of reported) {
    if (hashes.size > 1) out.push(`#${number} finalized as ${[...hashes].join(" and ")}`);
    else if (canonical[number] !== [...hashes][0]) out.push(`#${number} finalized as ${[...hashes][0]}, canonical is ${canonical[number] ?? "none"}`);
  }
  return out;
}

/**
 * Extrinsics of the canonical chain, in order: hashes seen twice, and senders whose nonces are
 * not 0, 1, 2…; also each sender's extrinsic count and the block of each extrinsic hash.
 */
export function transactionViolations(blocks: readonly BlockContent[]): { doubleApplied: string[]; nonceViolations: string[]; counts: Map<string, number>; included: Map<string, number> } {
  const included = new Map<string, number>();
  const counts = new Map<string, number>();
  const doubleApplied: string[] = [];
  const nonceViolations: string[] = [];
  for (const block of blocks) {
    for (const hex of block.extrinsics) {
      const bytes = fromHex(hex);
      const hash = toHex(extrinsicHash(bytes));
      if (included.has(hash)) doubleApplied.push(`${hash} in #${included.get(hash)} and #${block.number}`);
      included.set(hash, block.number);
      const xt = codecs.signedExtrinsic.decode(bytes);
      const signer = toHex(xt.signer);
      const expected = counts.get(signer) ?? 0;
      if (xt.nonce !== expected) nonceViolations.push(`${signer.slice(0, 10)}… nonce ${xt.nonce} in #${block.number}, expected ${expected}`);
      counts.set(signer, expected + 1);
    }
  }
  return { doubleApplied, nonceViolations, counts, included };
}

/**
 * Readings credited by the canonical chain: each block's readings minus those its
 * `ReadingRejected` events refused. Returns `deviceId:interval` → block, and every second credit.
 */
export function readingCredits(blocks: ReadonlyArray<BlockContent & { refused: readonly ReadingRef[] }>): { credited: Map<string, number>; doubleCredited: string[] } {
  const credited = new Map<string, number>();
  const doubleCredited: string[] = [];
  for (const block of blocks) {
    const refused = [...block.refused];
    for (const hex of block.readings) {
      const r = readingCodec.decode(fromHex(hex));
      const k = refused.findIndex((x) => x.deviceId === r.deviceId && x.interval === r.interval);
      if (k >= 0) {
        refused.splice(k, 1);
        continue;
      }
      const key = `${r.deviceId}:${r.interval}`;
      if (credited.has(key)) doubleCredited.push(`device ${r.deviceId} interval ${r.interval} credited in #${credited.get(key)} and #${block.number}`);
      credited.set(key, block.number);
    }
  }
  return { credited, doubleCredited };
}

/**
 * Differences between the credits of the blocks and a device's pog `GenerationDays` storage
 * (interval → block). `mayBeExpired(interval)`: whether the interval's page may have been removed
 * (older than the claim window); a credit missing from storage is then no mismatch.
 */
export function creditMismatches(deviceId: number, credited: ReadonlyMap<string, number>, stored: ReadonlyArray<{ interval: number; block: number }>, mayBeExpired: (interval: number) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const g of stored) {
    const block = credited.get(`${deviceId}:${g.interval}`);
    if (block !== g.block) out.push(`device ${deviceId} interval ${g.interval}: storage says #${g.block}, blocks say ${block === undefined ? "never" : `#${block}`}`);
  }
  const storedIntervals = new Set(stored.map((g) => g.interval));
  for (const [key, block] of credited) {
    const [id, interval] = key.split(":").map(Number);
    if (id === deviceId && !storedIntervals.has(interval) && !mayBeExpired(interval)) out.push(`device ${id} interval ${interval}: credited in #${block}, not in storage`);
  }
  return out;
}

/** How long the tips may take to settle on one chain before differing hashes count as a violation. */
const SETTLE_MS = 15_000;

export class ChainAudit {
  private readonly blocks = new Map<string, BlockContent>();
  private readonly refused = new Map<string, ReadingRef[]>();
  private readonly net: FaultNet;
  private readonly monitor: HeadMonitor;
  private readonly transfers: TransferLoad;
  private readonly readings: ReadingLoad;

  constructor(deps: { net: FaultNet; monitor: HeadMonitor; transfers: TransferLoad; readings: ReadingLoad }) {
    this.net = deps.net;
    this.monitor = deps.monitor;
    this.transfers = deps.transfers;
    this.readings = deps.readings;
  }

  async check(): Promise<InvariantReport> {
    const nodes = this.net.upIndices().map((i) => this.net.node(i));
    const { common, mismatches } = await this.commonChain(nodes);
    // The reference: the node furthest ahead, whose canonical chain covers every finalized head reported.
    const heads = await Promise.all(nodes.map((n) => nodeHeads(n)));
    const reference = nodes[heads.reduce((best, h, i) => (h.best.number > heads[best].best.number ? i : best), 0)];
    const top = Math.max(...heads.map((h) => h.best.number));
    const canonical = (await canonicalHashes(reference, 0, top)) as string[];
    const topHash = canonical[top];
    const contents: Array<BlockContent & { refused: ReadingRef[] }> = [];
    for (let n = 1; n <= top; n++) {
      const block = await this.block(reference, canonical[n]);
      contents.push({ ...block, refused: block.readings.length === 0 ? [] : await this.refusedReadings(reference, canonical[n]) });
    }

    const txs = transactionViolations(contents);
    for (const [signer, count] of txs.counts) {
      const raw = await storageAt(reference, Account.key(fromHex(signer)), topHash);
      const nonce = raw === null ? 0 : Account.decodeValue(raw).nonce;
      if (nonce !== count) txs.nonceViolations.push(`${signer.slice(0, 10)}… account nonce ${nonce} after ${count} extrinsics`);
    }
    const { credited, doubleCredited } = readingCredits(contents);
    const creditDiffs: string[] = [];
    const intervals = [...credited.keys()].map((k) => Number(k.split(":")[1]));
    if (intervals.length > 0) {
      // A page is removed once (day + 1) × 24 + claimWindowIntervals <= now; "now" bounded from above by the clock (the head is not ahead of it).
      const rawConfig = await storageAt(reference, POG_CONFIG_STORAGE_KEY, topHash);
      const pogConfig = rawConfig === null ? null : pogConfigCodec.decode(rawConfig);
      const nowBound = pogConfig === null ? 0 : Math.floor(Date.now() / (pogConfig.readingIntervalSecs * 1000)) + 1;
      const mayBeExpired = (interval: number): boolean =>
        pogConfig !== null && (Math.floor(interval / INTERVALS_PER_DAY_RECORD) + 1) * INTERVALS_PER_DAY_RECORD + pogConfig.claimWindowIntervals <= nowBound;
      for (const device of this.readings.devices) {
        const stored = await call<{ intervals: Array<{ interval: number; block: number }> }>(reference, "pog_generation", [device.deviceId, Math.min(...intervals), Math.max(...intervals), topHash]);
        creditDiffs.push(...creditMismatches(device.deviceId, credited, stored.intervals, mayBeExpired));
      }
    }
    return {
      commonHeight: common,
      hashMismatches: mismatches,
      conflictingFinalized: finalizedConflicts(this.monitor.finalizedByNumber(), canonical),
      finalizedDecreases: this.monitor.finalizedDecreases(),
      doubleAppliedTxs: txs.doubleApplied,
      nonceViolations: txs.nonceViolations,
      doubleCreditedReadings: doubleCredited,
      creditMismatches: creditDiffs,
      transfersIncluded: [...this.transfers.submitted.keys()].filter((h) => txs.included.has(h)).length,
      readingsCredited: credited.size,
    };
  }

  /** The lowest best height, and the heights up to it where the nodes' hashes differ once the tips had time to settle. */
  private async commonChain(nodes: NodeProcess[]): Promise<{ common: number; mismatches: string[] }> {
    let common = 0;
    let mismatches: string[] = [];
    await waitUntil(
      async () => {
        common = Math.min(...(await Promise.all(nodes.map((n) => nodeHeads(n)))).map((h) => h.best.number));
        const hashes = await Promise.all(nodes.map((n) => canonicalHashes(n, 1, common)));
        mismatches = hashes[0].flatMap((h, k) => (h === null || hashes.some((other) => other[k] !== h) ? [`#${k + 1}: ${hashes.map((o) => o[k] ?? "none").join(" ")}`] : []));
        return mismatches.length === 0;
      },
      SETTLE_MS,
      "one chain on every node",
      500,
    ).catch(() => {});
    return { common, mismatches };
  }

  private async block(node: NodeProcess, hash: string): Promise<BlockContent> {
    const cached = this.blocks.get(hash);
    if (cached) return cached;
    const signed = await call<{ block: { header: { number: string }; extrinsics: string[]; readings: string[] } } | null>(node, "chain_getBlock", [hash]);
    if (signed === null) throw new Error(`block ${hash} not found`);
    const content = { number: parseInt(signed.block.header.number, 16), extrinsics: signed.block.extrinsics, readings: signed.block.readings };
    this.blocks.set(hash, content);
    return content;
  }

  /** The readings a block refused: its `pog.ReadingRejected` events. */
  private async refusedReadings(node: NodeProcess, hash: string): Promise<ReadingRef[]> {
    const cached = this.refused.get(hash);
    if (cached) return cached;
    const raw = await storageAt(node, Events.key, hash);
    const events: EventRecord[] = raw === null ? [] : codecs.eventList.decode(raw).events;
    const refused = events.filter((e) => e.module === "pog" && e.name === "ReadingRejected").map((e) => JSON.parse(e.data) as ReadingRef);
    this.refused.set(hash, refused);
    return refused;
  }
}

/** All the violation counts of a report, by name; every one must be 0. */
export function violationCounts(r: InvariantReport): Record<string, number> {
  return {
    hashMismatches: r.hashMismatches.length,
    conflictingFinalized: r.conflictingFinalized.length,
    finalizedDecreases: r.finalizedDecreases.length,
    doubleAppliedTxs: r.doubleAppliedTxs.length,
    nonceViolations: r.nonceViolations.length,
    doubleCreditedReadings: r.doubleCreditedReadings.length,
    creditMismatches: r.creditMismatches.length,
  };
}
