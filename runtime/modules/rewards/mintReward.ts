import type { BlockContext } from "../../framework/module.ts";
import { mint } from "../balances/currency.ts";
import { getAccount } from "../system/accounts.ts";

/**
 * Mints a reward to `who` if, with it, the account reaches the existential deposit (minting
 * creates no dust account), and says whether it did. A reward not minted stays in its epoch's
 * emission, which the treasury receives when the epoch's payout completes.
 */
export function mintReward(ctx: BlockContext, who: Uint8Array, amount: bigint): boolean {
  const account = getAccount(ctx.state, who);
  if (account.free + account.reserved + amount < ctx.config.existentialDeposit) return false;
  mint(ctx.state, who, amount);
  return true;
}
