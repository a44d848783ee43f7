import { toHex } from "../../primitives/bytes.ts";
import { EventPhase, type EventRecord } from "../../primitives/codec/index.ts";
import { ArkreenError } from "../../primitives/errors.ts";

/** A field's value as a module deposits it. */
export type EventValue = string | number | bigint | boolean | Uint8Array | null;
export type EventData = Record<string, EventValue>;

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

  /** Moves the last event to position `index` (the executive's fee event, dealt after the call, goes before the call's events). */
  moveLastTo(index: number): void {
    const last = this.records.pop();
    if (last !== undefined) this.records.splice(index, 0, last);
  }

  /** Untyped: modules deposit through their `moduleEvents` helper, which checks names and fields. */
  deposit(module: string, name: string, data: EventData): void {
    this.records.push({ phase: this.phase, extrinsicIndex: this.extrinsicIndex, module, name, data: encodeEventData(data) });
  }
}

/**
 * A module's events, declared as an interface: event name → its fields. A field may be optional
 * (absent from the JSON when not deposited) or nullable; an index signature allows extra scalar
 * fields (a dispatch error's own data).
 */
export type EventMap<E> = { [N in keyof E]: { [F in keyof E[N]]: EventValue | undefined } };

type BaseKind<V> = [V] extends [never] ? never : [V] extends [bigint] ? "bigint" : [V] extends [Uint8Array] ? "bytes" : [V] extends [number] ? "number" : [V] extends [string] ? "string" : [V] extends [boolean] ? "boolean" : never;
/** How a field is written in a schema: its kind, `?` if it may be absent, `|null` if it may be null. */
type FieldKind<V> = undefined extends V ? `${BaseKind<Exclude<V, undefined>>}?` : null extends V ? `${BaseKind<Exclude<V, null>>}|null` : BaseKind<V>;
type FieldsSchema<T> = { readonly [F in keyof T as string extends F ? "*" : F]-?: string extends F ? "scalar" : FieldKind<T[F]> };

/**
 * The runtime description of a module's events, which decoding checks records against; its type
 * follows the interface field by field, so the two cannot drift.
 */
export type EventSchema<E> = { readonly [N in keyof E]-?: FieldsSchema<E[N]> };

/** A field as it reads in an event's JSON: bigints and bytes are strings. */
type JsonValue<V> = V extends bigint | Uint8Array ? string : V;
export type JsonFields<T> = { [F in keyof T]: JsonValue<T[F]> };

/** The decoded events of a module: `{ module, name, data }` for each declared event. */
export type DecodedEvents<M extends string, E> = { [N in keyof E & string]: { module: M; name: N; data: JsonFields<E[N]> } }[keyof E & string];

export interface ModuleEvents<E> {
  readonly module: string;
  readonly schema: EventSchema<E>;
  /** Deposits `name` with `data`: only a declared event, with exactly its fields. */
  deposit<N extends keyof E & string>(ctx: { readonly events: EventCollector }, name: N, data: E[N]): void;
}

/** A module's typed events, e.g. `moduleEvents<DevicesEvents>("devices", { Registered: { deviceId: "number", ... }, ... })`. */
export function moduleEvents<E extends EventMap<E>>(module: string, schema: EventSchema<E>): ModuleEvents<E> {
  return { module, schema, deposit: (ctx, name, data) => ctx.events.deposit(module, name, data as EventData) };
}

/** An event record the runtime does not declare, or whose data does not match its declaration. */
export type EventDecodeErrorType =
  | { code: "UNKNOWN_MODULE"; module: string }
  | { code: "UNKNOWN_EVENT"; module: string; name: string }
  | { code: "MALFORMED_DATA"; module: string; name: string; field: string | null; reason: string };

export class EventDecodeError extends ArkreenError<EventDecodeErrorType> {}

const DECIMAL_RE = /^-?(0|[1-9][0-9]*)$/;
const HEX_RE = /^0x([0-9a-f]{2})*$/;

function matchesKind(kind: string, value: unknown): boolean {
  switch (kind) {
    case "bigint":
      return typeof value === "string" && DECIMAL_RE.test(value);
    case "bytes":
      return typeof value === "string" && HEX_RE.test(value);
    case "number":
      return Number.isSafeInteger(value);
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    default:
      // "scalar": an extra field of an open event.
      return value === null || ["string", "number", "boolean"].includes(typeof value);
  }
}

/** Parses a record's data and checks each field against the event's schema; returns the data. */
export function checkEventData(record: EventRecord, fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const { module, name } = record;
  const fail = (field: string | null, reason: string): never => {
    throw new EventDecodeError({ code: "MALFORMED_DATA", module, name, field, reason });
  };
  let data: unknown;
  try {
    data = JSON.parse(record.data);
  } catch (e) {
    return fail(null, (e as Error).message);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return fail(null, "expected an object");
  const object = data as Record<string, unknown>;
  for (const [field, spec] of Object.entries(fields)) {
    if (field === "*") continue;
    const optional = spec.endsWith("?");
    const nullable = spec.endsWith("|null");
    const kind = spec.replace(/\?$|\|null$/, "");
    if (!Object.hasOwn(object, field)) {
      if (!optional) fail(field, "missing");
      continue;
    }
    const value = object[field];
    if (!(value === null && nullable) && !matchesKind(kind, value)) fail(field, `expected ${spec}`);
  }
  for (const field of Object.keys(object)) {
    if (Object.hasOwn(fields, field)) continue;
    if (!Object.hasOwn(fields, "*") || !matchesKind("scalar", object[field])) fail(field, "not declared");
  }
  return object;
}
