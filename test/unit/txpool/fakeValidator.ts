import { utf8 } from "../../../primitives/bytes.ts";
import { blake2b256 } from "../../../primitives/hash.ts";
import { TxPoolError } from "../../../node/txpool/errors.ts";
import type { TxValidation, TxValidator, ValidTransaction } from "../../../node/txpool/types.ts";

/** What a fake extrinsic carries; encoded as JSON so tests can build any transaction. */
export interface FakeTx {
  sender: string;
  nonce: number;
  tip?: number;
  validUntil?: number;
  badSignature?: boolean;
  /** Extra bytes, to make the encoding larger (bytes limits) or distinct (same fields). */
  pad?: number;
  salt?: string;
}

export function fakeTx(tx: FakeTx): Uint8Array {
  return utf8(JSON.stringify({ ...tx, pad: "x".repeat(tx.pad ?? 0) }));
}

export function hashOf(bytes: Uint8Array): Uint8Array {
  return blake2b256(bytes);
}

/**
 * In-memory stand-in for the runtime's `validate_transaction`: account nonces, senders that
 * cannot pay, and a switch to answer `UNKNOWN`.
 */
export class FakeValidator implements TxValidator {
  readonly nonces = new Map<string, number>();
  readonly cannotPay = new Set<string>();
  unknown = false;
  validateCalls = 0;
  recheckCalls = 0;

  validate(bytes: Uint8Array): TxValidation {
    this.validateCalls++;
    const decoded = JSON.parse(new TextDecoder().decode(bytes)) as FakeTx;
    if (decoded.badSignature) return { ok: false, error: TxPoolError.invalid("BAD_PROOF") };
    const tx: ValidTransaction = {
      hash: blake2b256(bytes),
      bytes,
      sender: decoded.sender,
      nonce: decoded.nonce,
      priority: BigInt(decoded.tip ?? 0),
      validUntil: decoded.validUntil ?? Number.MAX_SAFE_INTEGER,
    };
    return this.check(tx);
  }

  recheck(tx: ValidTransaction): TxValidation {
    this.recheckCalls++;
    return this.check(tx);
  }

  /** Applies a block's transactions to the fake state (the sender's nonce moves past each). */
  apply(txs: Uint8Array[]): void {
    for (const bytes of txs) {
      const { sender, nonce } = JSON.parse(new TextDecoder().decode(bytes)) as FakeTx;
      this.nonces.set(sender, Math.max(this.nonces.get(sender) ?? 0, nonce + 1));
    }
  }

  private check(tx: ValidTransaction): TxValidation {
    if (this.unknown) return { ok: false, error: new TxPoolError({ code: "UNKNOWN", detail: "state unavailable" }) };
    if (this.cannotPay.has(tx.sender)) return { ok: false, error: TxPoolError.invalid("PAYMENT") };
    const accountNonce = this.nonces.get(tx.sender) ?? 0;
    if (tx.nonce < accountNonce) return { ok: false, error: TxPoolError.invalid("STALE") };
    return { ok: true, tx, accountNonce };
  }
}
