/**
 * Base of every typed error (Lodestar's `LodestarError` pattern): a string `code` plus
 * structured data in `type`, so that callers switch on codes and logs carry the data.
 * Mapping to JSON-RPC error codes happens in one place, `rpc/errors.ts`.
 */
export class ArkreenError<T extends { code: string }> extends Error {
  readonly type: T;

  constructor(type: T, message?: string) {
    super(message ?? type.code);
    this.type = type;
    this.name = new.target.name;
  }

  get code(): T["code"] {
    return this.type.code;
  }

  /** Structured data for logs and RPC `data` fields (bigints as decimal strings). */
  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.type as Record<string, unknown>)) out[k] = typeof v === "bigint" ? v.toString() : v;
    return out;
  }
}
