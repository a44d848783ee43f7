import { ArkreenError } from "../primitives/errors.ts";

export type NetworkErrorType =
  | { code: "NODE_KEY_INVALID"; reason: string }
  | { code: "GOSSIP_MESSAGE_TOO_LARGE"; kind: string; size: number; max: number }
  | { code: "NOT_STARTED" }
  | { code: "REQUEST_TIMEOUT"; peer: string; protocol: string; timeoutMs: number }
  | { code: "PROTOCOL_UNSUPPORTED"; peer: string; protocol: string }
  | { code: "BAD_RESPONSE"; peer: string; protocol: string; reason: string }
  | { code: "BAD_REQUEST"; reason: string }
  | { code: "RATE_LIMITED"; peer: string }
  /** A synced block could not be imported for a reason of ours (database, clock), not the peer's. */
  | { code: "LOCAL_IMPORT_FAILURE"; reason: string };

/** Errors of the p2p layer: node keys, gossip publishing and request/response protocols. */
export class NetworkError extends ArkreenError<NetworkErrorType> {}
