import protobuf from "protobufjs";
import { bytesEqual } from "../bytes.ts";
import { ArkreenError } from "../errors.ts";
import { PROTO_SOURCE as ARKREEN_PROTO } from "./arkreen.proto.ts";

export type CodecErrorType =
  | { code: "MALFORMED"; type: string; reason: string }
  | { code: "NON_CANONICAL"; type: string }
  | { code: "TOO_LARGE"; type: string; size: number; max: number };

export class CodecError extends ArkreenError<CodecErrorType> {}

/**
 * Parses a schema's text (package `arkreen`) into its own root: runtime modules own their schemas.
 * The text is the `PROTO_SOURCE` of the schema's generated `<name>.proto.ts`, so no file is read
 * (browsers run these codecs too: the client library).
 */
export function parseProto(source: string): protobuf.Root {
  // Resolved at once: protobufjs links nested message types lazily, and reflection (the CLI's
  // JSON-to-call conversion) must see them before the first encode.
  const { root } = protobuf.parse(source, { keepCase: false });
  root.resolveAll();
  return root;
}

const root = parseProto(ARKREEN_PROTO);

/**
 * A protobuf message type with one canonical encoding: fields holding their default value are
 * omitted (proto3's canonical form) and `decode` re-encodes what it read and rejects input whose
 * bytes differ, so that a value has exactly one encoding and therefore one hash.
 */
export class MessageCodec<T extends object> {
  readonly type: protobuf.Type;

  /** `typeName` in package `arkreen` of `schema` (arkreen.proto by default, or a module's own file). */
  constructor(typeName: string, schema: protobuf.Root = root) {
    this.type = schema.lookupType(`arkreen.${typeName}`);
  }

  encode(value: T): Uint8Array {
    return this.type.encode(pruneDefaults(this.type, value as Record<string, unknown>)).finish();
  }

  /** Decodes untrusted bytes; throws `CodecError` on malformed or non-canonical input. */
  decode(bytes: Uint8Array): T {
    const value = this.decodeTrusted(bytes);
    if (!bytesEqual(this.encode(value), bytes)) throw new CodecError({ code: "NON_CANONICAL", type: this.type.name });
    return value;
  }

  /**
   * Decodes bytes this node encoded itself (runtime storage), without the canonical-form check:
   * re-encoding to compare was a third of a storage read, and a reading reads three records.
   * Still throws `CodecError` on malformed input.
   */
  decodeTrusted(bytes: Uint8Array): T {
    try {
      const message = this.type.decode(bytes);
      return this.type.toObject(message, { defaults: true, arrays: true, longs: Number }) as T;
    } catch (e) {
      throw new CodecError({ code: "MALFORMED", type: this.type.name, reason: (e as Error).message });
    }
  }
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (v == null) return true;
  if (field.repeated) return (v as unknown[]).length === 0;
  if (field.resolvedType instanceof protobuf.Type) return false;
  if (v instanceof Uint8Array || typeof v === "string") return v.length === 0;
  return v === 0 || v === false;
}

function pruneDefaults(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    if (isDefault(field, v)) continue;
    const sub = field.resolvedType;
    if (sub instanceof protobuf.Type) {
      out[field.name] = field.repeated
        ? (v as Record<string, unknown>[]).map((x) => pruneDefaults(sub, x))
        : pruneDefaults(sub, v as Record<string, unknown>);
    } else {
      out[field.name] = v;
    }
  }
  return out;
}


