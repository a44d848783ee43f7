import { ArkreenError } from "../../primitives/errors.ts";
import { decodeAddress } from "../../primitives/keys/ss58.ts";

/** A module's chain-spec section is invalid; `field` is the path inside the runtime genesis config. */
export type GenesisConfigErrorType = { code: "INVALID"; field: string; reason: string };

export class GenesisConfigError extends ArkreenError<GenesisConfigErrorType> {
  constructor(field: string, reason: string) {
    super({ code: "INVALID", field, reason }, `invalid chain spec: ${field}: ${reason}`);
  }
}

const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;

/** Readers of chain-spec JSON values: each returns the typed value or throws `GenesisConfigError`. */
export const config = {
  uint(value: unknown, field: string, opts: { min?: number; max?: number } = {}): number {
    const min = opts.min ?? 0;
    const max = opts.max ?? 0xffffffff;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw new GenesisConfigError(field, `expected an integer in [${min}, ${max}]`);
    return value as number;
  },
  /** A token amount in base units, as a decimal string (JSON numbers cannot hold 18 decimals). */
  amount(value: unknown, field: string): bigint {
    if (typeof value !== "string" || !DECIMAL_RE.test(value)) throw new GenesisConfigError(field, "expected a decimal string amount");
    return BigInt(value);
  },
  /** An SS58 address or 0x-hex account id. */
  account(value: unknown, field: string): Uint8Array {
    try {
      return decodeAddress(String(value));
    } catch (e) {
      throw new GenesisConfigError(field, (e as Error).message);
    }
  },
  string(value: unknown, field: string, opts: { maxLength?: number } = {}): string {
    if (typeof value !== "string" || value.length > (opts.maxLength ?? 256)) throw new GenesisConfigError(field, `expected a string of at most ${opts.maxLength ?? 256} characters`);
    return value;
  },
  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) throw new GenesisConfigError(field, "expected an array");
    return value;
  },
  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new GenesisConfigError(field, "expected an object");
    return value as Record<string, unknown>;
  },
};
