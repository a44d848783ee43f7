import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import { codecs, type Header } from "../../primitives/codec/index.ts";
import { keypairFromSeed } from "../../primitives/keys/ed25519.ts";
import type { Logger } from "../../primitives/logger.ts";
import { sealedSlot, slotAuthorIndex } from "../../primitives/seal.ts";
import { Authorities } from "../../runtime/modules/aura/storage.ts";
import { signExtrinsic } from "../../runtime/extrinsic.ts";
import { getAccount } from "../../runtime/modules/system/accounts.ts";
import { blockEquivocationProofCodec, reportEquivocationArgsCodec, type BlockEquivocationProof } from "../../runtime/modules/staking/types.ts";
import type { EquivocationReportPool } from "../finality/equivocationReporter.ts";
import type { Chain } from "./chain.ts";

/**
 * Slots remembered. At 6 s slots, 1,024 slots are 1 h 42 min: a fork's block arrives by gossip
 * or sync within seconds to minutes of its twin, and a report must land while the offender's
 * session is still kept (`bondingPeriodSessions − 2` sessions), far longer than this.
 */
export const DEFAULT_MAX_SLOTS = 1024;

export interface BlockEquivocationDetectorOpts {
  maxSlots?: number;
}

export interface BlockEquivocationDetectorDeps {
  /** The authoring key that sealed an imported header (its slot's author at its parent's state). */
  authorOf(header: Header): Uint8Array;
}

/** A detected equivocation: the proof to report, its slot and the author's authoring key. */
export interface DetectedBlockEquivocation {
  proof: BlockEquivocationProof;
  slot: bigint;
  author: Uint8Array;
}

/** The key that sealed an imported header: its slot's author in the Aura set at its parent's state. */
export function sealingAuthor(chain: Pick<Chain, "stateAt">, header: Header): Uint8Array {
  const authorities = Authorities.get(chain.stateAt(header.parentHash));
  return authorities[slotAuthorIndex(sealedSlot(header), authorities.length)];
}

interface SlotEntry {
  hash: string;
  author: Uint8Array;
  header: Header;
}

/**
 * Watches imported headers for two different blocks sealed by one author in one slot. Blocks of a
 * fork are imported too (gossip and sync deliver them), so both twins pass through here. Keeps, per
 * slot, the first header of each author, for the `maxSlots` highest slots seen.
 */
export class BlockEquivocationDetector {
  private readonly maxSlots: number;
  private readonly deps: BlockEquivocationDetectorDeps;
  private readonly slots = new Map<bigint, SlotEntry[]>();

  constructor(opts: BlockEquivocationDetectorOpts, deps: BlockEquivocationDetectorDeps) {
    this.maxSlots = opts.maxSlots ?? DEFAULT_MAX_SLOTS;
    this.deps = deps;
  }

  /** Records an imported, seal-verified header; returns a proof when its author sealed another header for its slot. */
  onImported(header: Header, hash: Uint8Array): DetectedBlockEquivocation | null {
    if (header.number === 0) return null;
    const slot = sealedSlot(header);
    const author = this.deps.authorOf(header);
    const hex = toHex(hash);
    const entries = this.slots.get(slot);
    if (entries === undefined) {
      this.slots.set(slot, [{ hash: hex, author, header }]);
      this.evict();
      return null;
    }
    const twin = entries.find((e) => bytesEqual(e.author, author));
    if (twin === undefined) {
      entries.push({ hash: hex, author, header });
      return null;
    }
    if (twin.hash === hex) return null;
    return { proof: { firstHeader: codecs.header.encode(twin.header), secondHeader: codecs.header.encode(header) }, slot, author };
  }

  /** Slots remembered now (at most `maxSlots`). */
  get size(): number {
    return this.slots.size;
  }

  private evict(): void {
    if (this.slots.size <= this.maxSlots) return;
    let lowest: bigint | null = null;
    for (const slot of this.slots.keys()) if (lowest === null || slot < lowest) lowest = slot;
    if (lowest !== null) this.slots.delete(lowest);
  }
}

export interface BlockEquivocationReporterOpts {
  genesisHash: Uint8Array;
  /** ed25519 seed of the account that signs and pays for reports (the validator's account); null: only log. */
  accountSeed: Uint8Array | null;
}

export interface BlockEquivocationReporterDeps {
  chain: Chain;
  pool: EquivocationReportPool;
  logger: Logger;
}

/**
 * Submits `staking.reportBlockEquivocation` extrinsics to the pool, once per (slot, author) — the
 * runtime slashes an offence once. A report the pool refuses is logged and not retried.
 */
export class BlockEquivocationReporter {
  private readonly opts: BlockEquivocationReporterOpts;
  private readonly deps: BlockEquivocationReporterDeps;
  private readonly sender: Uint8Array | null;
  private readonly reported = new Set<string>();

  constructor(opts: BlockEquivocationReporterOpts, deps: BlockEquivocationReporterDeps) {
    this.opts = opts;
    this.deps = deps;
    this.sender = opts.accountSeed === null ? null : keypairFromSeed(opts.accountSeed).publicKey;
  }

  report({ proof, slot, author }: DetectedBlockEquivocation): void {
    const key = `${slot}/${toHex(author)}`;
    if (this.reported.has(key)) return;
    if (this.opts.accountSeed === null || this.sender === null) {
      this.deps.logger.warn("Block equivocation not reported: the node has no account key", { slot, author });
      return;
    }
    this.reported.add(key);
    const call = { module: "staking", method: "reportBlockEquivocation", args: reportEquivocationArgsCodec.encode({ proof: blockEquivocationProofCodec.encode(proof) }) };
    try {
      const tx = this.deps.pool.submit(signExtrinsic(this.opts.genesisHash, this.opts.accountSeed, call, { nonce: this.nextNonce(this.sender) }));
      this.deps.logger.info("Reported a block equivocation", { slot, author, tx: tx.hash });
    } catch (error) {
      this.deps.logger.warn("Block equivocation report refused by the pool", { slot, author }, error);
    }
  }

  /** The account's next nonce counting its pooled transactions, as `system_accountNextIndex` answers. */
  private nextNonce(account: Uint8Array): number {
    return this.deps.pool.nextNonce(toHex(account), getAccount(this.deps.chain.stateAt(), account).nonce);
  }
}
