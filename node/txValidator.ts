import { toHex } from "../primitives/bytes.ts";
import { extrinsicHash, InvalidTransaction, type Executive, type InvalidTransactionType } from "../runtime/api.ts";
import type { Chain } from "./chain/chain.ts";
import { TxPoolError, type InvalidReason, type TxValidation, type TxValidator, type ValidTransaction } from "./txpool/index.ts";

const REASONS: Record<InvalidTransactionType["code"], InvalidReason> = {
  BAD_PROOF: "BAD_PROOF",
  STALE: "STALE",
  FUTURE: "CUSTOM",
  PAYMENT: "PAYMENT",
  OUTDATED: "OUTDATED",
  BAD_CALL: "BAD_CALL",
  EXHAUSTS_RESOURCES: "EXHAUSTS_RESOURCES",
  BLOCK_FULL: "EXHAUSTS_RESOURCES",
  MALFORMED: "BAD_CALL",
};

/** The pool's validator: the runtime's `validateTransaction` against the best block's state. */
export class RuntimeTxValidator implements TxValidator {
  private readonly chain: Chain;
  private readonly executive: Executive;

  constructor(deps: { chain: Chain; executive: Executive }) {
    this.chain = deps.chain;
    this.executive = deps.executive;
  }

  validate(bytes: Uint8Array): TxValidation {
    return this.check(bytes, true);
  }

  recheck(tx: ValidTransaction): TxValidation {
    return this.check(tx.bytes, false);
  }

  private check(bytes: Uint8Array, verifySignature: boolean): TxValidation {
    try {
      const best = this.chain.best;
      const v = this.executive.validateTransaction(this.chain.stateAt(best.hash), bytes, best.number + 1, verifySignature);
      const tx: ValidTransaction = {
        hash: extrinsicHash(bytes),
        bytes,
        sender: toHex(v.xt.signer),
        nonce: v.xt.nonce,
        priority: v.tip,
        validUntil: v.validUntil,
      };
      return { ok: true, tx, accountNonce: v.accountNonce };
    } catch (e) {
      if (!(e instanceof InvalidTransaction)) throw e;
      const detail = Object.entries(e.toObject())
        .filter(([k]) => k !== "code")
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", ");
      return { ok: false, error: TxPoolError.invalid(REASONS[e.code], detail || undefined) };
    }
  }
}
