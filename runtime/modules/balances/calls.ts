import { bytesToBigint, isMinimalUint } from "../../../primitives/bytes.ts";
import type { CallDefinition } from "../../framework/module.ts";
import { ensureSigned } from "../../framework/origin.ts";
import { DispatchError } from "../../framework/errors.ts";
import { transfer as transferBalance, type Existence } from "./currency.ts";
import { BalancesError } from "./errors.ts";
import { transferArgs, type BalancesTransfer } from "./types.ts";

/** Weight of a transfer: two account reads and writes plus events (an estimate in µs-like units). */
const TRANSFER_WEIGHT = 50_000n;

function transferCall(existence: Existence): CallDefinition<BalancesTransfer> {
  return {
    args: transferArgs,
    weight: () => TRANSFER_WEIGHT,
    dispatch: (ctx, origin, args) => {
      if (args.dest.length !== 32) throw new DispatchError({ code: "InvalidAccount", module: "balances" });
      if (!isMinimalUint(args.value)) throw new BalancesError("InvalidAmount");
      transferBalance(ctx, ensureSigned(origin), args.dest, bytesToBigint(args.value), existence);
    },
  };
}

/** `balances.transfer(dest, value)`: the sender may be reaped (Substrate's `transfer_allow_death`). */
export const transfer = transferCall("allowDeath");
/** `balances.transferKeepAlive(dest, value)`: fails rather than take the sender below the existential deposit. */
export const transferKeepAlive = transferCall("keepAlive");
