import { bytesEqual, toHex } from "../../primitives/bytes.ts";
import { codecs, type Header } from "../../primitives/codec/index.ts";
import type { staking } from "../../runtime/api.ts";

/**
 * Slots remembered below the highest slot seen. At 6 s slots, 1,024 slots are 1 h 42 min: a fork's
 * block arrives by gossip or sync within seconds to minutes of its twin, and a report must land
 * while the offender's session is still kept (`bondingPeriodSessions − 2` sessions), far longer
 * than this. The highest slot seen is at most one slot ahead of the clock (import refuses future
 * slots before it asks here), so the window cannot be pushed forward by sealing far-off slots.
 */
export const DEFAULT_MAX_SLOTS = 1024;

export interface BlockEquivocationDetectorOpts {
  maxSlots?: number;
}

/** A detected equivocation: the proof to report, its slot and the author's authoring key. */
export interface DetectedBlockEquivocation {
  proof: staking.BlockEquivocationProof;
  slot: bigint;
  author: Uint8Array;
}

/** What the detector knows of a sealed header that import has just checked the seal of. */
export type SealedHeaderVerdict =
  /** The author's first header for this slot. */
  | { kind: "first" }
  /** The header seen before; `failed`: its verification failed with a verdict on the block, or its pairing with this aggregate (or with too many). */
  | { kind: "again"; failed: boolean }
  /** Another header by the same author for the same slot; `first`: the first such one for this (slot, author). */
  | { kind: "equivocation"; detected: DetectedBlockEquivocation; first: boolean }
  /** Below the window of remembered slots: nothing can be said, nothing is remembered. */
  | { kind: "stale"; floor: bigint };

/**
 * Readings aggregates remembered as failed per header. The aggregate is not covered by the header
 * hash, so a relayer can swap it: the genuine block must stay importable by gossip after a swapped
 * copy failed (an unstaked peer relaying swapped copies first would otherwise keep every honest
 * block out of gossip). Each failed aggregate costs its relayer a rejection (a score penalty), and
 * past this many the header is refused whatever aggregate it brings, so one header costs at most
 * this many pairings plus one; sync still imports it.
 */
const MAX_FAILED_AGGREGATES = 4;

interface SlotEntry {
  hash: string;
  author: Uint8Array;
  header: Header;
  /** A verdict on the header itself (execution, state root): refused again whatever its aggregate. */
  failed: boolean;
  /** Aggregates (hex) whose pairing failed with this header. */
  failedAggregates: Set<string>;
  equivocated: boolean;
}

/**
 * Remembers every sealed header import has checked the seal of — valid or not, before anything
 * expensive is verified — per slot and author, for the slots from `highest − maxSlots` up.
 * A second, different header by one author for one slot is an equivocation, whatever became of
 * the first: an honest author seals one block per slot.
 */
export class BlockEquivocationDetector {
  private readonly maxSlots: number;
  private readonly slots = new Map<bigint, SlotEntry[]>();
  private highest: bigint | null = null;

  constructor(opts: BlockEquivocationDetectorOpts) {
    this.maxSlots = opts.maxSlots ?? DEFAULT_MAX_SLOTS;
  }

  /** Records a header whose seal by `author` for `slot` import verified, arriving with readings aggregate `aggregate`. */
  onSealed(header: Header, hash: Uint8Array, author: Uint8Array, slot: bigint, aggregate: Uint8Array = new Uint8Array(0)): SealedHeaderVerdict {
    if (this.highest !== null && slot < this.highest - BigInt(this.maxSlots)) return { kind: "stale", floor: this.highest - BigInt(this.maxSlots) };
    const hex = toHex(hash);
    const entries = this.slots.get(slot);
    if (entries === undefined) {
      this.slots.set(slot, [{ hash: hex, author, header, failed: false, failedAggregates: new Set(), equivocated: false }]);
      this.advance(slot);
      return { kind: "first" };
    }
    const twin = entries.find((e) => bytesEqual(e.author, author));
    if (twin === undefined) {
      entries.push({ hash: hex, author, header, failed: false, failedAggregates: new Set(), equivocated: false });
      return { kind: "first" };
    }
    if (twin.hash === hex) {
      const failed = twin.failed || twin.failedAggregates.has(toHex(aggregate)) || twin.failedAggregates.size >= MAX_FAILED_AGGREGATES;
      return { kind: "again", failed };
    }
    const first = !twin.equivocated;
    twin.equivocated = true;
    return { kind: "equivocation", detected: { proof: { firstHeader: codecs.header.encode(twin.header), secondHeader: codecs.header.encode(header) }, slot, author }, first };
  }

  /** The remembered header `hash` failed a check that is a verdict on the block itself. */
  markFailed(slot: bigint, hash: Uint8Array): void {
    const entry = this.entry(slot, hash);
    if (entry) entry.failed = true;
  }

  /** The remembered header `hash`, with readings aggregate `aggregate`, failed its pairing. */
  markAggregateFailed(slot: bigint, hash: Uint8Array, aggregate: Uint8Array): void {
    const entry = this.entry(slot, hash);
    if (entry && entry.failedAggregates.size < MAX_FAILED_AGGREGATES) entry.failedAggregates.add(toHex(aggregate));
  }

  private entry(slot: bigint, hash: Uint8Array): SlotEntry | undefined {
    const hex = toHex(hash);
    return this.slots.get(slot)?.find((e) => e.hash === hex);
  }

  /** Slots remembered now (at most `maxSlots + 1`). */
  get size(): number {
    return this.slots.size;
  }

  private advance(slot: bigint): void {
    if (this.highest !== null && slot <= this.highest) return;
    this.highest = slot;
    const floor = slot - BigInt(this.maxSlots);
    for (const remembered of this.slots.keys()) if (remembered < floor) this.slots.delete(remembered);
  }
}
