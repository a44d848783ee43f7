import { bigintToBytes, toHex } from "../primitives/bytes.ts";
import type { Call } from "../primitives/codec/index.ts";
import { decodeAddress } from "../primitives/keys/ss58.ts";
import { CALL_ARGS, extrinsicHash, signExtrinsic, type CallArgsMap, type CallName } from "../runtime/wire.ts";
import type { Account } from "./account.ts";
import { blockNumber, type AccountRef, type ArkreenClient } from "./client.ts";
import { ClientError } from "./errors.ts";
import type { BlockEvent, ExtrinsicStatus } from "./types.ts";

/** Signed extrinsics are valid for this many blocks from the best block by default. */
export const DEFAULT_MORTALITY_PERIOD = 64;

/** A call of the runtime (`"balances.transfer"`, …) with its arguments encoded; `BAD_INPUT` if the name or arguments are wrong. */
export function buildCall<N extends CallName>(name: N, args: CallArgsMap[N]): Call {
  const codec = CALL_ARGS[name];
  if (!codec) throw new ClientError("BAD_INPUT", `unknown call ${String(name)}; calls: ${Object.keys(CALL_ARGS).join(", ")}`, { call: name });
  const [module, method] = name.split(".");
  let encoded: Uint8Array;
  try {
    encoded = codec.encode(args);
    codec.decode(encoded);
  } catch (e) {
    throw new ClientError("BAD_INPUT", `${name}: bad arguments: ${(e as Error).message}`, { call: name });
  }
  return { module, method, args: encoded };
}

/** An account id from an SS58 address, 0x-hex or bytes; `BAD_INPUT` otherwise. */
export function accountId(account: AccountRef): Uint8Array {
  if (typeof account !== "string") {
    if (account.length !== 32) throw new ClientError("BAD_INPUT", `an account id is 32 bytes, got ${account.length}`, { account: toHex(account) });
    return account;
  }
  try {
    return decodeAddress(account);
  } catch (e) {
    throw new ClientError("BAD_INPUT", `not an account: ${account}: ${(e as Error).message}`, { account });
  }
}

/** `balances.transfer` (or `transferKeepAlive`) of `value` base units (1 AKRE = 10^18) to `dest`. */
export function transferCall(dest: AccountRef, value: bigint, opts: { keepAlive?: boolean } = {}): Call {
  if (value < 0n) throw new ClientError("BAD_INPUT", "a transfer's value is not negative", { value: value.toString() });
  return buildCall(opts.keepAlive ? "balances.transferKeepAlive" : "balances.transfer", { dest: accountId(dest), value: bigintToBytes(value) });
}

export interface SignOpts {
  /** Default: `system_accountNextIndex` of the signer. */
  nonce?: number;
  tip?: bigint;
  /** Blocks the extrinsic stays valid from the best block (default 64); 0: immortal. */
  mortalityPeriod?: number;
}

export interface SignedTransaction {
  bytes: Uint8Array;
  hex: string;
  /** blake2b-256 of the bytes, what the node returns and blocks list. */
  hash: string;
  nonce: number;
  call: Call;
}

/** Signs `call` as `account`: nonce from the node, mortality from the best block (docs/transactions.md). */
export async function signCall(client: ArkreenClient, account: Account, call: Call, opts: SignOpts = {}): Promise<SignedTransaction> {
  const period = opts.mortalityPeriod ?? DEFAULT_MORTALITY_PERIOD;
  if (!Number.isSafeInteger(period) || period < 0) throw new ClientError("BAD_INPUT", `mortalityPeriod: expected a non-negative integer, got ${period}`, { mortalityPeriod: period });
  const [genesisHash, nonce, birth] = await Promise.all([client.genesisHash(), opts.nonce ?? client.nextNonce(account.publicKey), period === 0 ? 0 : client.bestNumber()]);
  const bytes = signExtrinsic(genesisHash, account.secretSeed, call, { nonce, tip: opts.tip ?? 0n, mortality: period === 0 ? undefined : { birth, period } });
  return { bytes, hex: toHex(bytes), hash: toHex(extrinsicHash(bytes)), nonce, call };
}

/** Submits without waiting (`author_submitExtrinsic`); resolves with the hash. */
export function submit(client: ArkreenClient, tx: SignedTransaction): Promise<string> {
  return client.call("author_submitExtrinsic", [tx.hex]);
}

export interface TxOutcome {
  blockHash: string;
  blockNumber: number;
  /** The extrinsic's index in its block. */
  index: number;
  /** Its events (`transactionPayment.TransactionFeePaid` first, `system.ExtrinsicSuccess` last). */
  events: BlockEvent[];
  /** The fee it paid, in base units. */
  fee: bigint;
  /** Whether the block it is in is finalized (when watched until `finalized`). */
  finalized: boolean;
}

export interface WatchOpts {
  /** Resolve at inclusion (default) or at finality. */
  until?: "inBlock" | "finalized";
  onStatus?: (status: ExtrinsicStatus) => void;
}

/**
 * Submits and watches (`author_submitAndWatchExtrinsic`, WebSocket only) until the extrinsic is
 * in a block or finalized, then reads its events. Throws `TX_NOT_INCLUDED` if the node drops it
 * and `TX_FAILED` (with the module error) if its call failed in the block.
 */
export async function submitAndWatch(client: ArkreenClient, tx: SignedTransaction, opts: WatchOpts = {}): Promise<TxOutcome> {
  const until = opts.until ?? "inBlock";
  let settle!: { resolve(v: { blockHash: string; finalized: boolean }): void; reject(e: Error): void };
  const done = new Promise<{ blockHash: string; finalized: boolean }>((resolve, reject) => (settle = { resolve, reject }));
  const subscription = await client.subscribe<ExtrinsicStatus>("author_submitAndWatchExtrinsic", [tx.hex], "author_unwatchExtrinsic", (status) => {
    opts.onStatus?.(status);
    if (typeof status === "object" && "finalized" in status) settle.resolve({ blockHash: status.finalized, finalized: true });
    else if (typeof status === "object" && "inBlock" in status && until === "inBlock") settle.resolve({ blockHash: status.inBlock, finalized: false });
    else if (status === "invalid" || status === "dropped" || (typeof status === "object" && ("usurped" in status || "finalityTimeout" in status))) {
      settle.reject(new ClientError("TX_NOT_INCLUDED", `${tx.call.module}.${tx.call.method} ${tx.hash}: ${JSON.stringify(status)}`, { hash: tx.hash, status }));
    }
  });
  let where: { blockHash: string; finalized: boolean };
  try {
    where = await done;
  } finally {
    subscription.unsubscribe().catch(() => undefined);
  }
  return outcome(client, tx, where.blockHash, where.finalized);
}

/** Where `tx` landed in `blockHash` and what it did; `TX_FAILED` if its call failed. */
async function outcome(client: ArkreenClient, tx: SignedTransaction, blockHash: string, finalized: boolean): Promise<TxOutcome> {
  const block = await client.block(blockHash);
  if (!block) throw new ClientError("BAD_RESPONSE", `chain_getBlock: no block ${blockHash}`, { blockHash });
  const index = block.block.extrinsics.indexOf(tx.hex);
  if (index < 0) throw new ClientError("BAD_RESPONSE", `block ${blockHash} does not hold ${tx.hash}`, { blockHash, hash: tx.hash });
  const events = (await client.events(blockHash)).events.filter((e) => e.phase === "applyExtrinsic" && e.extrinsicIndex === index);
  const feeEvent = events.find((e) => e.module === "transactionPayment");
  const fee = feeEvent ? BigInt((feeEvent.data as { actualFee: string }).actualFee) : 0n;
  const result: TxOutcome = { blockHash, blockNumber: blockNumber(block.block.header), index, events, fee, finalized };
  const failed = events.find((e) => e.module === "system" && e.name === "ExtrinsicFailed");
  if (failed) {
    const data = failed.data as Record<string, unknown>;
    throw new ClientError("TX_FAILED", `${tx.call.module}.${tx.call.method} failed: ${String(data.module)}.${String(data.error)}`, { ...result, error: data });
  }
  return result;
}

/** Builds, signs, submits and watches in one step. */
export async function signAndSend(client: ArkreenClient, account: Account, call: Call, opts: SignOpts & WatchOpts = {}): Promise<TxOutcome & { tx: SignedTransaction }> {
  const tx = await signCall(client, account, call, opts);
  return { ...(await submitAndWatch(client, tx, opts)), tx };
}

/** The fee (without tip) `call` would cost `account` in the next block (`payment_queryInfo`). */
export async function estimateFee(client: ArkreenClient, account: Account, call: Call): Promise<bigint> {
  return (await client.queryFee((await signCall(client, account, call)).bytes)).partialFee;
}
