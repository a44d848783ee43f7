/**
 * JSON-RPC errors: the `RpcError` handlers throw, and the single place where every other
 * error becomes a JSON-RPC error object (`toRpcError`).
 *
 * Domain layers keep their own typed errors (`ArkreenError` subclasses) and register how
 * they look on the wire with `registerErrorMapping`, e.g. the transaction pool maps its
 * errors to Substrate's 1010/1013/1014. Anything unmapped is an internal error: the client
 * gets -32603 "Internal error" and nothing else (no message, no stack), the server logs it.
 */

/**
 * Codes on the wire. -32700..-32603 are JSON-RPC 2.0's; -32006..-32011 are jsonrpsee's
 * (the server under Substrate) and -32999 Substrate's rate limiter's, so Substrate clients
 * recognise the limits they report.
 */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  TooManySubscriptions: -32006,
  OversizedRequest: -32007,
  OversizedResponse: -32008,
  BatchTooLarge: -32010,
  BatchResponseTooLarge: -32011,
  RateLimited: -32999,
} as const;

/** The `error` member of a JSON-RPC response. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** An error meant for the client: `code`, `message` and optional `data` go on the wire as they are. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }

  toObject(): RpcErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

/** -32602 "Invalid params" with the reason in `data` (jsonrpsee's shape; polkadot.js prints `code: message: data`). */
export function invalidParams(reason: string): RpcError {
  return new RpcError(RpcErrorCode.InvalidParams, "Invalid params", reason);
}

const INTERNAL_ERROR: RpcErrorObject = Object.freeze({ code: RpcErrorCode.InternalError, message: "Internal error" });

// An error class as a registry key; `never[]` accepts constructors of any arity.
type ErrorClass<E> = abstract new (...args: never[]) => E;
type ErrorPredicate<E> = (err: unknown) => err is E;
type ErrorMap<E> = (err: E) => RpcError;

// Mappings describe error *types* (like a `From<Error> for ErrorObject` impl in Rust), not
// runtime state, so one registry per process is the honest shape: every node in a process
// maps the same error class the same way, and registering a class again replaces its mapping.
const classMappings = new Map<ErrorClass<unknown>, ErrorMap<never>>();
const predicateMappings: { match: ErrorPredicate<unknown>; map: ErrorMap<never> }[] = [];

function isErrorClass(match: unknown): match is ErrorClass<unknown> {
  return typeof match === "function" && (match as { prototype?: unknown }).prototype instanceof Error;
}

/**
 * Registers how errors of a class (or those a predicate accepts) appear on the wire. A class
 * mapping applies to subclasses too; the nearest registered class wins; predicates are tried,
 * in registration order, when no class matches. Returns a function that removes the mapping.
 */
export function registerErrorMapping<E>(match: ErrorClass<E> | ErrorPredicate<E>, map: ErrorMap<E>): () => void {
  if (isErrorClass(match)) {
    classMappings.set(match, map as ErrorMap<never>);
    return () => {
      if (classMappings.get(match) === map) classMappings.delete(match);
    };
  }
  const entry = { match: match as ErrorPredicate<unknown>, map: map as ErrorMap<never> };
  predicateMappings.push(entry);
  return () => {
    const i = predicateMappings.indexOf(entry);
    if (i >= 0) predicateMappings.splice(i, 1);
  };
}

function findMapping(err: unknown): ErrorMap<unknown> | undefined {
  if (typeof err === "object" && err !== null) {
    for (let proto: unknown = Object.getPrototypeOf(err); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const map = classMappings.get((proto as { constructor: ErrorClass<unknown> }).constructor);
      if (map) return map as ErrorMap<unknown>;
    }
  }
  for (const { match, map } of predicateMappings) if (match(err)) return map as ErrorMap<unknown>;
  return undefined;
}

/**
 * The one mapping point from anything a handler threw to a JSON-RPC error object:
 * `RpcError` passes through, registered errors are mapped, everything else (including a
 * mapping that itself fails) is -32603 "Internal error" with no detail.
 */
export function toRpcError(err: unknown): RpcErrorObject {
  if (err instanceof RpcError) return err.toObject();
  const map = findMapping(err);
  if (!map) return INTERNAL_ERROR;
  try {
    const mapped = map(err);
    return mapped instanceof RpcError ? mapped.toObject() : INTERNAL_ERROR;
  } catch {
    return INTERNAL_ERROR;
  }
}
