import protobuf from "protobufjs";
import { bigintToBytes, fromHex, isHex } from "../primitives/bytes.ts";
import { decodeAddress } from "../primitives/keys/ss58.ts";

/**
 * Turns `--args` JSON into a call's protobuf argument message, field by field:
 * - `bytes` fields take 0x-hex, an SS58 address (an account id), or a decimal string (an amount
 *   in base units, encoded as the runtime's minimal big-endian integer);
 * - numeric fields take JSON numbers; strings and bools as they are;
 * - nested messages take objects, repeated fields arrays.
 * Unknown fields are an error, so a typo never silently becomes a default value.
 */
export function callArgsFromJson(type: protobuf.Type, json: unknown, path = "args"): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error(`${path}: expected a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(json)) {
    const field = type.fields[name];
    if (!field) throw new Error(`${path}.${name}: no such field (fields: ${type.fieldsArray.map((f) => f.name).join(", ") || "none"})`);
    const convert = (v: unknown, p: string): unknown => fieldValue(field, v, p);
    out[name] = field.repeated ? expectArray(value, `${path}.${name}`).map((v, i) => convert(v, `${path}.${name}[${i}]`)) : convert(value, `${path}.${name}`);
  }
  return out;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${path}: expected an array`);
  return value;
}

function fieldValue(field: protobuf.Field, value: unknown, path: string): unknown {
  const sub = field.resolvedType;
  if (sub instanceof protobuf.Type) return callArgsFromJson(sub, value, path);
  if (sub instanceof protobuf.Enum) return value;
  switch (field.type) {
    case "bytes":
      return bytesValue(value, path);
    case "string":
      if (typeof value !== "string") throw new Error(`${path}: expected a string`);
      return value;
    case "bool":
      if (typeof value !== "boolean") throw new Error(`${path}: expected true or false`);
      return value;
    default:
      if (!Number.isSafeInteger(value)) throw new Error(`${path}: expected an integer`);
      return value;
  }
}

function bytesValue(value: unknown, path: string): Uint8Array {
  if (typeof value !== "string") throw new Error(`${path}: expected 0x-hex, an SS58 address or a decimal amount`);
  if (isHex(value)) return fromHex(value);
  if (/^(0|[1-9][0-9]*)$/.test(value)) return bigintToBytes(BigInt(value));
  try {
    return decodeAddress(value);
  } catch {
    throw new Error(`${path}: "${value}" is neither 0x-hex, an SS58 address nor a decimal amount`);
  }
}
