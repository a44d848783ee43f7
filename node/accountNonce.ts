import { toHex } from "../primitives/bytes.ts";
import { system } from "../runtime/api.ts";
import type { Chain } from "./chain/chain.ts";

export interface AccountNonceSources {
  chain: Pick<Chain, "stateAt">;
  /** The transaction pool (node/txpool/pool.ts): the first nonce from `accountNonce` it holds no transaction of `sender` for. */
  pool: { nextNonce(sender: string, accountNonce: number): number };
}

/**
 * The nonce `account`'s next transaction should carry: the best state's, advanced past the
 * account's pooled transactions. `system_accountNextIndex` answers it; the node signs with it.
 */
export function nextAccountNonce({ chain, pool }: AccountNonceSources, account: Uint8Array): number {
  return pool.nextNonce(toHex(account), system.account(chain.stateAt(), account).nonce);
}
