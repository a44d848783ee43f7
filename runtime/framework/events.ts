import { toHex } from "../../primitives/bytes.ts";
import { EventPhase, type EventRecord } from "../../primitives/codec/index.ts";

export type EventData = Record<string, string | number | bigint | boolean | Uint8Array | null>;

/** Canonical JSON of event fields: bigints as decimal strings, bytes as 0x-hex, keys in insertion order. */
export function encodeEventData(data: EventData): string {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] = typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? toHex(v) : v;
  }
  return JSON.stringify(out);
}

/** Collects the block's events in order, tagged with the phase they were deposited in. */
export class EventCollector {
  readonly records: EventRecord[] = [];
  private phase: number = EventPhase.Initialization;
  private extrinsicIndex = 0;

  enterExtrinsic(index: number): void {
    this.phase = EventPhase.ApplyExtrinsic;
    this.extrinsicIndex = index;
  }

  enterFinalization(): void {
    this.phase = EventPhase.Finalization;
    this.extrinsicIndex = 0;
  }

  /** Drops the events deposited after `length` (those of a rolled-back call). */
  truncate(length: number): void {
    this.records.length = length;
  }

  deposit(module: string, name: string, data: EventData): void {
    this.records.push({ phase: this.phase, extrinsicIndex: this.extrinsicIndex, module, name, data: encodeEventData(data) });
  }
}
