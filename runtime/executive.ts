import { isMinimalUint } from "../primitives/bytes.ts";
import { codecs, type Block, type DigestItem, type SignedExtrinsic } from "../primitives/codec/index.ts";
import { CodecError } from "../primitives/codec/index.ts";
import type { RuntimeConfig } from "./config.ts";
import { DispatchError, InvalidTransaction } from "./framework/errors.ts";
import { EventCollector } from "./framework/events.ts";
import type { BlockContext, CallDefinition } from "./framework/module.ts";
import { OverlayState, type StateChange, type StateReader } from "./framework/state.ts";
import { computeFee, extrinsicTip, lastValidBlock, verifyExtrinsicSignature } from "./extrinsic.ts";
import { burn, canWithdrawKeepAlive, credit, withdrawKeepAlive } from "./modules/balances/currency.ts";
import { getAccount, putAccount } from "./modules/system/accounts.ts";
import { applyReadings } from "./modules/pog/apply.ts";
import { decodeBlockReadings } from "./modules/pog/blockReadings.ts";
import type { Reading } from "./modules/pog/types.ts";
import { validateReadings, type ReadingValidity } from "./modules/pog/validate.ts";
import { systemEvents, transactionPaymentEvents, type SystemEvents } from "./modules/system/events.ts";
import { storeEvents } from "./modules/system/hooks.ts";
import { Config, ExtrinsicCount } from "./modules/system/storage.ts";
import { RUNTIME_MODULES, findCall } from "./runtime.ts";

export interface BlockInit {
  number: number;
  parentHash: Uint8Array;
  digest: DigestItem[];
}

/** An extrinsic that passed every check that does not need dispatching it. */
export interface CheckedExtrinsic {
  xt: SignedExtrinsic;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the call's own argument type
  call: CallDefinition<any>;
  args: object;
  fee: bigint;
  tip: bigint;
  weight: bigint;
  accountNonce: number;
}

export interface ApplyOutcome {
  success: boolean;
  error?: DispatchError;
}

export interface TransactionValidity {
  xt: SignedExtrinsic;
  accountNonce: number;
  tip: bigint;
  validUntil: number;
}

/** Nonces are u32 on the wire: an account that used them all can sign no more (a wrap would re-enable old extrinsics). */
const MAX_NONCE = 0xffffffff;

/**
 * `ExtrinsicFailed`'s fields: the module and error, then the error's own scalar data (which slot,
 * which REC…). Not `reason`: its text may come from a library (see `DispatchErrorType`), and
 * events are state.
 */
function failureDetails(e: DispatchError): SystemEvents["ExtrinsicFailed"] {
  const data: SystemEvents["ExtrinsicFailed"] = { module: e.type.module, error: e.type.code };
  for (const [k, v] of Object.entries(e.type)) {
    if (k === "module" || k === "code" || k === "reason" || k in data) continue;
    if (v === null || ["string", "number", "bigint", "boolean"].includes(typeof v) || v instanceof Uint8Array) data[k] = v as SystemEvents["ExtrinsicFailed"][string];
  }
  return data;
}

/**
 * Applies blocks (Substrate's `frame_executive`): initialize hooks → extrinsics, each in its own
 * storage transaction → finalize hooks → events. Pure: it reads the parent state and returns the
 * sorted list of writes; the node turns them into a state root and a database batch.
 */
export class Executive {
  private readonly genesisHash: Uint8Array;

  constructor(genesisHash: Uint8Array) {
    this.genesisHash = genesisHash;
  }

  initializeBlock(parent: StateReader, init: BlockInit): BlockContext {
    const state = new OverlayState(parent);
    const ctx: BlockContext = {
      state,
      genesisHash: this.genesisHash,
      number: init.number,
      parentHash: init.parentHash,
      digest: init.digest,
      config: Config.get(parent),
      events: new EventCollector(),
      weight: 0n,
      author: null,
    };
    for (const m of RUNTIME_MODULES) m.hooks?.onInitialize?.(ctx);
    return ctx;
  }

  /**
   * Applies one extrinsic at position `index`. Throws `InvalidTransaction` if it may not be in
   * the block at all; otherwise charges the fee, bumps the nonce and dispatches the call in a
   * storage transaction — a failing call rolls back only its own writes.
   */
  applyExtrinsic(ctx: BlockContext, bytes: Uint8Array, index: number, opts: { signatureChecked?: boolean } = {}): ApplyOutcome {
    const checked = this.check(ctx.state, ctx.config, bytes, ctx.number, !opts.signatureChecked);
    if (checked.accountNonce === MAX_NONCE) throw new InvalidTransaction({ code: "EXHAUSTS_RESOURCES", reason: "account nonce exhausted" });
    if (checked.xt.nonce !== checked.accountNonce) {
      const code = checked.xt.nonce < checked.accountNonce ? "STALE" : "FUTURE";
      throw new InvalidTransaction({ code, nonce: checked.xt.nonce, accountNonce: checked.accountNonce });
    }
    if (ctx.weight + checked.weight > ctx.config.maxBlockWeight) {
      throw new InvalidTransaction({ code: "BLOCK_FULL", weight: checked.weight, used: ctx.weight });
    }
    const who = checked.xt.signer;
    const total = checked.fee + checked.tip;
    if (!withdrawKeepAlive(ctx.state, who, total, ctx.config.existentialDeposit)) {
      throw new InvalidTransaction({ code: "PAYMENT", required: total, free: getAccount(ctx.state, who).free });
    }
    ctx.weight += checked.weight;
    ctx.events.enterExtrinsic(index);
    const account = getAccount(ctx.state, who);
    putAccount(ctx.state, who, { ...account, nonce: account.nonce + 1 });

    // Substrate's charge-then-correct: the fee and tip are withdrawn above and dealt out after the
    // call, once it says whether it pays (`PostDispatchInfo`); the fee's event stays the first of
    // the extrinsic's events (clients read it there) with the fee actually paid.
    let outcome: ApplyOutcome;
    let pays = true;
    const eventsBefore = ctx.events.records.length;
    try {
      const post = ctx.state.transactional(() => checked.call.dispatch(ctx, { kind: "signed", who }, checked.args));
      pays = post?.pays !== "no";
      systemEvents.deposit(ctx, "ExtrinsicSuccess", {});
      outcome = { success: true };
    } catch (e) {
      if (!(e instanceof DispatchError)) throw e;
      // The call's events go with its rolled-back writes.
      ctx.events.truncate(eventsBefore);
      systemEvents.deposit(ctx, "ExtrinsicFailed", failureDetails(e));
      outcome = { success: false, error: e };
    }
    const actualFee = pays ? checked.fee : 0n;
    credit(ctx.state, who, checked.fee - actualFee, ctx.config.existentialDeposit);
    this.distributeFee(ctx, actualFee, checked.tip);
    transactionPaymentEvents.deposit(ctx, "TransactionFeePaid", { who, actualFee, tip: checked.tip });
    ctx.events.moveLastTo(eventsBefore);
    ExtrinsicCount.set(ctx.state, ExtrinsicCount.get(ctx.state) + 1);
    return outcome;
  }

  /**
   * Applies the block's readings (pog), after the initialize hooks and before the extrinsics.
   * Their aggregate signature was checked by the importer; here they are decoded and each is
   * checked against the chain's rules. Malformed or too many readings make the block invalid.
   */
  applyReadings(ctx: BlockContext, encoded: readonly Uint8Array[]): void {
    applyReadings(ctx, decodeBlockReadings(ctx.state, encoded));
  }

  /**
   * The readings pool's question: would a block of `slot` on top of `state` credit these
   * readings? The same rules as `applyReadings`, one verdict per reading, in order.
   */
  validateReadings(state: StateReader, readings: readonly Reading[], slot: bigint): ReadingValidity[] {
    return validateReadings(state, readings, slot);
  }

  /** Runs the finalize hooks, stores the events, and returns the block's writes. */
  finalizeBlock(ctx: BlockContext): StateChange[] {
    ctx.events.enterFinalization();
    for (const m of RUNTIME_MODULES) m.hooks?.onFinalize?.(ctx);
    storeEvents(ctx);
    return ctx.state.changes();
  }

  /** Re-executes an imported block. Throws if any extrinsic is invalid or a block limit is broken. */
  executeBlock(parent: StateReader, block: Block): StateChange[] {
    const ctx = this.initializeBlock(parent, block.header);
    this.applyReadings(ctx, block.readings ?? []);
    if (block.extrinsics.length > ctx.config.maxBlockExtrinsics) {
      throw new InvalidTransaction({ code: "EXHAUSTS_RESOURCES", reason: "too many extrinsics in block" });
    }
    let bytesTotal = 0;
    block.extrinsics.forEach((xt, i) => {
      bytesTotal += xt.length;
      if (bytesTotal > ctx.config.maxBlockBytes) throw new InvalidTransaction({ code: "EXHAUSTS_RESOURCES", reason: "block too large" });
      this.applyExtrinsic(ctx, xt, i);
    });
    return this.finalizeBlock(ctx);
  }

  /**
   * The transaction pool's question (Substrate's `validate_transaction`): could this extrinsic
   * be included in the next block on top of `state`, now or after its predecessors?
   */
  validateTransaction(state: StateReader, bytes: Uint8Array, nextBlockNumber: number, verifySignature = true): TransactionValidity {
    const config = Config.get(state);
    const checked = this.check(state, config, bytes, nextBlockNumber, verifySignature);
    if (checked.xt.nonce < checked.accountNonce) {
      throw new InvalidTransaction({ code: "STALE", nonce: checked.xt.nonce, accountNonce: checked.accountNonce });
    }
    // The same rule as the block's fee withdrawal, so the pool refuses exactly what a block would.
    const account = getAccount(state, checked.xt.signer);
    const payment = checked.fee + checked.tip;
    if (!canWithdrawKeepAlive(account, payment, config.existentialDeposit)) {
      const keepAlive = config.existentialDeposit > account.reserved ? config.existentialDeposit - account.reserved : 0n;
      throw new InvalidTransaction({ code: "PAYMENT", required: payment + keepAlive, free: account.free });
    }
    return { xt: checked.xt, accountNonce: checked.accountNonce, tip: checked.tip, validUntil: lastValidBlock(checked.xt.mortality) };
  }

  /**
   * What an extrinsic would weigh and pay (Substrate's `payment_queryInfo`) in the block after
   * `state`: its call's weight and the fee without tip. The signature is not checked, so a wallet
   * can price a draft signed with zeros; everything else is (size, decoding, call, mortality).
   */
  queryInfo(state: StateReader, bytes: Uint8Array, nextBlockNumber: number): { weight: bigint; partialFee: bigint } {
    const checked = this.check(state, Config.get(state), bytes, nextBlockNumber, false);
    return { weight: checked.weight, partialFee: checked.fee };
  }

  private check(state: StateReader, config: RuntimeConfig, bytes: Uint8Array, blockNumber: number, verifySignature: boolean): CheckedExtrinsic {
    if (bytes.length > config.maxExtrinsicBytes) {
      throw new InvalidTransaction({ code: "EXHAUSTS_RESOURCES", reason: `extrinsic of ${bytes.length} bytes exceeds ${config.maxExtrinsicBytes}` });
    }
    let xt: SignedExtrinsic;
    try {
      xt = codecs.signedExtrinsic.decode(bytes);
    } catch (e) {
      if (e instanceof CodecError) throw new InvalidTransaction({ code: "MALFORMED", reason: e.message });
      throw e;
    }
    if (xt.signer.length !== 32 || xt.signature.length !== 64 || !xt.call || !isMinimalUint(xt.tip)) {
      throw new InvalidTransaction({ code: "MALFORMED", reason: "bad signer, signature, tip or call" });
    }
    const mortality = xt.mortality;
    if (mortality && mortality.period > 0 && (blockNumber < mortality.birth || blockNumber > lastValidBlock(mortality))) {
      throw new InvalidTransaction({ code: "OUTDATED", birth: mortality.birth, period: mortality.period, blockNumber });
    }
    if (verifySignature && !verifyExtrinsicSignature(this.genesisHash, xt)) throw new InvalidTransaction({ code: "BAD_PROOF" });
    const call = findCall(xt.call.module, xt.call.method);
    if (!call) throw new InvalidTransaction({ code: "BAD_CALL", reason: `unknown call ${xt.call.module}.${xt.call.method}` });
    let args: object;
    try {
      args = call.args.decode(xt.call.args);
    } catch (e) {
      throw new InvalidTransaction({ code: "BAD_CALL", reason: (e as Error).message });
    }
    const weight = call.weight(args);
    if (weight > config.maxBlockWeight) throw new InvalidTransaction({ code: "EXHAUSTS_RESOURCES", reason: "call weight exceeds the block weight limit" });
    const fee = computeFee(config, bytes.length, weight);
    return { xt, call, args, fee, tip: extrinsicTip(xt), weight, accountNonce: getAccount(state, xt.signer).nonce };
  }

  /** The fee's burn share leaves total issuance, the rest goes to the treasury; the tip to the author. */
  private distributeFee(ctx: BlockContext, fee: bigint, tip: bigint): void {
    const ed = ctx.config.existentialDeposit;
    const burned = (fee * BigInt(ctx.config.feeBurnPercent)) / 100n;
    burn(ctx.state, burned);
    credit(ctx.state, ctx.config.treasury, fee - burned, ed);
    credit(ctx.state, ctx.author ?? ctx.config.treasury, tip, ed);
  }
}
