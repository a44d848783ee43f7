/**
 * Generators shared by the fuzz suites: values of any protobuf message type (from the schema's
 * reflection, so every field of every message gets exercised), and byte-level mutations of valid
 * encodings — bit flips, truncation, extension, insertion, deletion and overlong varints.
 */
import fc from "fast-check";
import protobuf from "protobufjs";
import type { Call } from "../../primitives/codec/index.ts";
import { callNames, findCall } from "../../runtime/runtime.ts";

/** Values fit for every scalar field type the schemas use. */
function scalar(field: protobuf.Field): fc.Arbitrary<unknown> {
  switch (field.type) {
    case "uint32":
      return fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff), fc.nat({ max: 0xffffffff }));
    case "uint64":
      // Past 2^53 the decoder's JS numbers lose precision: such values must come back as a typed error.
      return fc.oneof(fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER), fc.maxSafeNat());
    case "bool":
      return fc.boolean();
    case "string":
      // "binary" includes lone surrogates, which UTF-8 cannot carry.
      return fc.oneof(fc.string({ maxLength: 24, unit: "grapheme" }), fc.string({ maxLength: 24, unit: "binary" }));
    case "bytes":
      return fc.uint8Array({ maxLength: 48 });
    default:
      throw new Error(`no generator for protobuf type ${field.type} (field ${field.name})`);
  }
}

function fieldValue(field: protobuf.Field, depth: number): fc.Arbitrary<unknown> {
  const sub = field.resolvedType;
  if (sub instanceof protobuf.Type) return depth <= 0 ? fc.constant(null) : messageValue(sub, depth - 1);
  if (sub !== null) throw new Error(`no generator for enum field ${field.name}`);
  return scalar(field);
}

/** A value of message type `type`, nested messages up to `depth` levels (deeper ones absent). */
export function messageValue(type: protobuf.Type, depth = 3): fc.Arbitrary<Record<string, unknown>> {
  const inOneof = new Set(type.oneofsArray.flatMap((o) => o.fieldsArray.map((f) => f.name)));
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    if (inOneof.has(field.name)) continue;
    plain[field.name] = field.repeated ? fc.array(fieldValue(field, depth), { maxLength: depth > 0 ? 3 : 0 }) : fieldValue(field, depth);
  }
  // At most one member of each oneof, as proto3 allows.
  const oneofs = type.oneofsArray.map((o) =>
    fc.oneof(fc.constant({}), ...o.fieldsArray.map((f) => fieldValue(f, depth).map((v) => (v === null ? {} : { [f.name]: v })))),
  );
  return fc.tuple(fc.record(plain), ...oneofs).map(([base, ...members]) => Object.assign({}, base, ...members) as Record<string, unknown>);
}

/** Any call of the runtime with well-formed arguments of random content. */
export const runtimeCall: fc.Arbitrary<Call> = fc.constantFrom(...callNames()).chain((name) => {
  const [module, method] = name.split(".");
  const args = findCall(module, method)!.args;
  return messageValue(args.type, 2).map((v) => ({ module, method, args: args.encode(v) }));
});

export type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "extend"; bytes: Uint8Array }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  /** A field tag followed by a varint of `length` bytes: overlong (> 10 bytes) or above 2^32/2^64. */
  | { kind: "varint"; at: number; tag: number; length: number; last: number }
  /** A length-delimited field whose length prefix points far past the end. */
  | { kind: "length"; at: number; tag: number; length: number }
  /**
   * A well-formed field appended at the end: the message still parses, so the canonical check
   * has to catch it (an explicit default, a repeated or out-of-order field, an unknown field, a
   * padded varint).
   */
  | { kind: "field"; tag: number; wireType: 0 | 2; payload: readonly number[] };

const position = fc.nat({ max: 1 << 16 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("flip" as const), at: position, bit: fc.nat({ max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("set" as const), at: position, value: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: position }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("extend" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("insert" as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: position, count: fc.integer({ min: 1, max: 8 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("varint" as const), at: position, tag: fc.integer({ min: 1, max: 15 }), length: fc.integer({ min: 5, max: 12 }), last: fc.integer({ min: 1, max: 0x7f }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("length" as const), at: position, tag: fc.integer({ min: 1, max: 15 }), length: fc.constantFrom(0x7fffffff, 0xffffffff, 1 << 20) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("field" as const),
      tag: fc.integer({ min: 1, max: 15 }),
      wireType: fc.constantFrom(0 as const, 2 as const),
      // A varint (0, 1 or a padded 1) or a short length-delimited payload.
      payload: fc.oneof(fc.constantFrom<readonly number[]>([0x00], [0x01], [0x81, 0x00]), fc.uint8Array({ maxLength: 4 }).map((b) => [b.length, ...b])),
    }),
  },
);

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const i = bytes.length === 0 ? 0 : at % (bytes.length + 1);
  const out = new Uint8Array(bytes.length - Math.min(remove, bytes.length - i) + insert.length);
  out.set(bytes.subarray(0, i));
  out.set(insert, i);
  out.set(bytes.subarray(i + remove), i + insert.length);
  return out;
}

export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case "flip":
    case "set": {
      if (bytes.length === 0) return Uint8Array.of(m.kind === "set" ? m.value : 1 << m.bit);
      const out = bytes.slice();
      const i = m.at % out.length;
      out[i] = m.kind === "flip" ? out[i] ^ (1 << m.bit) : m.value;
      return out;
    }
    case "truncate":
      return bytes.slice(0, bytes.length === 0 ? 0 : m.at % bytes.length);
    case "extend":
      return splice(bytes, bytes.length, 0, m.bytes);
    case "insert":
      return splice(bytes, m.at, 0, m.bytes);
    case "delete":
      return splice(bytes, m.at, m.count, []);
    case "varint":
      return splice(bytes, m.at, 0, [m.tag << 3, ...new Array<number>(m.length - 1).fill(0xff), m.last]);
    case "length":
      return splice(bytes, m.at, 0, [(m.tag << 3) | 2, ...varint(m.length), 0x00]);
    case "field":
      return splice(bytes, bytes.length, 0, [(m.tag << 3) | m.wireType, ...m.payload]);
  }
}

/** `valid` encodings with one to four mutations applied. */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([bytes, ms]) => ms.reduce(applyMutation, bytes));
}

/** Inputs for a decoder: its valid encodings, mutated ones, and random bytes. */
export function decoderInput(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 4, arbitrary: mutated(valid) }, { weight: 2, arbitrary: fc.uint8Array({ maxLength: 96 }) });
}
