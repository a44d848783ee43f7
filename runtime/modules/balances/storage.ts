import { StorageValue, bigintCodec } from "../../framework/storage.ts";

export const MODULE = "balances";

/** Sum of every account's free and reserved balance; maintained by every mint and burn. */
export const TotalIssuance = new StorageValue<bigint>(MODULE, "TotalIssuance", bigintCodec, () => 0n);
