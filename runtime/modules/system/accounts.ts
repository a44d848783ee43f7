import type { State, StateReader } from "../../framework/state.ts";
import { Account, emptyAccount, type AccountData } from "./storage.ts";

export function getAccount(state: StateReader, who: Uint8Array): AccountData {
  return Account.get(state, who) ?? emptyAccount();
}

/**
 * Writes an account back. An account with no balance and a zero nonce is removed; one with a
 * non-zero nonce is kept even when emptied, so that its nonce never resets and an old signed
 * extrinsic can never be replayed against it.
 */
export function putAccount(state: State, who: Uint8Array, account: AccountData): void {
  if (account.free === 0n && account.reserved === 0n && account.nonce === 0) Account.remove(state, who);
  else Account.set(state, who, account);
}
