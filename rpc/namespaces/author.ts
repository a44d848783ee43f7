import { concatBytes, toHex } from "../../primitives/bytes.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import { decodeAddress } from "../../primitives/keys/ss58.ts";
import { TxPoolError, type TxStatus } from "../../node/txpool/index.ts";
import { invalidParams, RpcError, RpcErrorCode, registerErrorMapping } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcCallContext, RpcServer } from "../server/index.ts";
import { expectArray, expectHex, expectString } from "../server/params.ts";

/** Largest extrinsic accepted over RPC; the runtime's own limit is checked again by the pool. */
const MAX_EXTRINSIC_HEX_BYTES = 1024 * 1024;

// Substrate's author errors: 1010 invalid, 1013 already imported, 1014 priority too low...
registerErrorMapping(TxPoolError, (e) => new RpcError(e.rpcCode, e.message, e.type.code === "INVALID" ? e.type.detail ?? e.type.reason : undefined));

/** `TransactionStatus` as Substrate serializes it: a string, or `{ variant: data }`. */
export function txStatusJson(status: TxStatus): unknown {
  switch (status.type) {
    case "future":
    case "ready":
    case "dropped":
    case "invalid":
      return status.type;
    case "inBlock":
    case "finalized":
    case "finalityTimeout":
      return { [status.type]: toHex(status.blockHash) };
    case "usurped":
      return { usurped: toHex(status.by) };
  }
}

const TERMINAL = new Set<TxStatus["type"]>(["finalized", "finalityTimeout", "usurped", "dropped", "invalid"]);

function extrinsicParam(params: unknown): Uint8Array {
  return expectHex(expectArray(params, 1)[0], "extrinsic", { maxLength: MAX_EXTRINSIC_HEX_BYTES });
}

export function registerAuthorRpc(server: RpcServer, api: RpcNodeApi): void {
  registerAuthorKeystoreRpc(server, api);
  server.addMethod("author_submitExtrinsic", {
    handler: (params) => toHex(api.pool.submit(extrinsicParam(params)).hash),
  });
  server.addMethod("author_pendingExtrinsics", {
    handler: () => api.pool.pending().map((tx) => toHex(tx.bytes)),
  });
  server.addSubscription({
    subscribe: "author_submitAndWatchExtrinsic",
    notification: "author_extrinsicUpdate",
    unsubscribe: "author_unwatchExtrinsic",
    start: (params, sink) => {
      const tx = api.pool.submit(extrinsicParam(params));
      const initial = api.pool.status(tx.hash);
      if (initial) sink.notify(txStatusJson(initial));
      const unwatch = api.pool.watch(tx.hash, (status) => {
        sink.notify(txStatusJson(status));
        if (TERMINAL.has(status.type)) sink.close();
      });
      return unwatch;
    },
  });
}

/**
 * The node's keystore as the author namespace uses it (cli/keystore.ts implements it; rpc/ never
 * imports cli/). Every method may throw an `ArkreenError` whose message names no secret.
 */
export interface AuthorKeystore {
  /** New `aura` and `gran` keys, stored; their public keys. */
  rotateSessionKeys(): { authoringKey: Uint8Array; finalityKey: Uint8Array };
  /** `authoringKeyProof ++ finalityKeyProof` for `owner` on the chain of `genesisHash`. */
  proveSessionKeys(keys: { authoringKey: Uint8Array; finalityKey: Uint8Array }, owner: Uint8Array, genesisHash: Uint8Array): Uint8Array;
  /** Stores `suri` as a key of `keyType`; refuses an unknown type or a URI that does not name `publicKey`. */
  insertKey(keyType: string, suri: string, publicKey: Uint8Array): void;
  hasKey(publicKey: Uint8Array, keyType: string): boolean;
  hasSessionKeys(blob: Uint8Array): boolean;
}

/** Longest session-keys blob or public key taken (240 bytes: keys and proofs). */
const MAX_KEYS_HEX_BYTES = 1024;
const MAX_SURI_LENGTH = 4096;

/**
 * Keystore methods are unsafe (refused unless `--rpc-methods` allows unsafe ones, which `auto`
 * does only on a loopback listener) and, beyond that, answered to loopback callers only, whatever
 * the policy: a remote caller could otherwise plant keys or make the node rotate away from the
 * keys it validates with.
 */
function localOnly(ctx: RpcCallContext): void {
  if (!ctx.isLocal) throw new RpcError(RpcErrorCode.MethodNotFound, "RPC call is unsafe to be called externally");
}

/** Runs a keystore operation, answering its typed errors (messages without secrets) as invalid params. */
function keystoreCall<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ArkreenError) throw invalidParams((e as Error).message);
    throw e;
  }
}

function ownerParam(value: unknown): Uint8Array {
  const text = expectString(value, "owner", { maxLength: 128 });
  try {
    return decodeAddress(text);
  } catch (e) {
    throw invalidParams(`owner: ${(e as Error).message}`);
  }
}

/**
 * `author_rotateKeys`, `author_rotateKeysWithOwner`, `author_insertKey`, `author_hasKey`,
 * `author_hasSessionKeys` (docs/operating.md, "Validator keys"). The session-keys blob is
 * `aura key (32 B) ++ gran key (48 B)`; `author_rotateKeys([owner])` appends the proofs of
 * possession for that stash, `authoringKeyProof (64 B) ++ finalityKeyProof (96 B)`: the one blob
 * `tx staking.validate --session-keys` takes. A node without a keystore (an embedded one) has none
 * of these methods.
 */
export function registerAuthorKeystoreRpc(server: RpcServer, api: RpcNodeApi): void {
  const keystore = api.keystore;
  if (!keystore) return;
  server.addMethod("author_rotateKeys", {
    unsafe: true,
    handler: (params, ctx) => {
      localOnly(ctx);
      const [owner] = expectArray(params ?? [], 0, 1);
      const stash = owner === undefined || owner === null ? null : ownerParam(owner);
      return keystoreCall(() => {
        const keys = keystore.rotateSessionKeys();
        const blob = concatBytes(keys.authoringKey, keys.finalityKey);
        return toHex(stash === null ? blob : concatBytes(blob, keystore.proveSessionKeys(keys, stash, api.chain.genesisHash)));
      });
    },
  });
  // polkadot-sdk's form: `{keys, proof}` for an owner (RFC-0048).
  server.addMethod("author_rotateKeysWithOwner", {
    unsafe: true,
    handler: (params, ctx) => {
      localOnly(ctx);
      const stash = ownerParam(expectArray(params, 1)[0]);
      return keystoreCall(() => {
        const keys = keystore.rotateSessionKeys();
        return { keys: toHex(concatBytes(keys.authoringKey, keys.finalityKey)), proof: toHex(keystore.proveSessionKeys(keys, stash, api.chain.genesisHash)) };
      });
    },
  });
  server.addMethod("author_insertKey", {
    unsafe: true,
    handler: (params, ctx) => {
      localOnly(ctx);
      const [keyType, suri, publicKey] = expectArray(params, 3);
      const type = expectString(keyType, "keyType", { maxLength: 16 });
      const secret = expectString(suri, "suri", { maxLength: MAX_SURI_LENGTH });
      const pub = expectHex(publicKey, "publicKey", { maxLength: MAX_KEYS_HEX_BYTES });
      keystoreCall(() => keystore.insertKey(type, secret, pub));
      return null;
    },
  });
  server.addMethod("author_hasKey", {
    unsafe: true,
    handler: (params, ctx) => {
      localOnly(ctx);
      const [publicKey, keyType] = expectArray(params, 2);
      const pub = expectHex(publicKey, "publicKey", { maxLength: MAX_KEYS_HEX_BYTES });
      const type = expectString(keyType, "keyType", { maxLength: 16 });
      return keystoreCall(() => keystore.hasKey(pub, type));
    },
  });
  server.addMethod("author_hasSessionKeys", {
    unsafe: true,
    handler: (params, ctx) => {
      localOnly(ctx);
      const blob = expectHex(expectArray(params, 1)[0], "sessionKeys", { maxLength: MAX_KEYS_HEX_BYTES });
      return keystore.hasSessionKeys(blob);
    },
  });
}
