import { bigintToBytes, bytesToBigint } from "../../../primitives/bytes.ts";
import { codecs, type AccountInfo, type EventRecord } from "../../../primitives/codec/index.ts";
import { configFromRecord, configToRecord, type RuntimeConfig } from "../../config.ts";
import { StorageMap, StorageValue, bytesCodec, u32Codec, type ValueCodec } from "../../framework/storage.ts";

export const MODULE = "system";

export const BlockNumber = new StorageValue<number>(MODULE, "Number", u32Codec, () => 0);
export const ParentHash = new StorageValue<Uint8Array>(MODULE, "ParentHash", bytesCodec, () => new Uint8Array(32));
/**
 * Hashes of the last `BLOCK_HASH_COUNT` blocks by number (the genesis hash at 0 from block 1 on):
 * block n's state holds blocks n − 4,096 … n − 1 (hooks.ts removes the one that falls out).
 */
export const BlockHash = new StorageMap<number, Uint8Array>(MODULE, "BlockHash", u32Codec, bytesCodec);
export const ExtrinsicCount = new StorageValue<number>(MODULE, "ExtrinsicCount", u32Codec, () => 0);

const eventListCodec: ValueCodec<EventRecord[]> = {
  encode: (events) => codecs.eventList.encode({ events }),
  decode: (bytes) => codecs.eventList.decode(bytes).events,
};
/** The last block's events, written once at finalization. */
export const Events = new StorageValue<EventRecord[]>(MODULE, "Events", eventListCodec, () => []);

const configCodec: ValueCodec<RuntimeConfig> = {
  encode: (c) => codecs.runtimeConfig.encode(configToRecord(c)),
  decode: (b) => configFromRecord(codecs.runtimeConfig.decode(b)),
};
export const Config = new StorageValue<RuntimeConfig>(MODULE, "Config", configCodec, () => {
  throw new Error("system.Config missing: state was not built from a chain spec");
});

export interface AccountData {
  nonce: number;
  free: bigint;
  reserved: bigint;
}

export function emptyAccount(): AccountData {
  return { nonce: 0, free: 0n, reserved: 0n };
}

const accountCodec: ValueCodec<AccountData> = {
  encode: (a) => codecs.accountInfo.encode({ nonce: a.nonce, free: bigintToBytes(a.free), reserved: bigintToBytes(a.reserved) }),
  decode: (b) => {
    const info: AccountInfo = codecs.accountInfo.decode(b);
    return { nonce: info.nonce, free: bytesToBigint(info.free), reserved: bytesToBigint(info.reserved) };
  },
};
/** Accounts: nonce and balances (Substrate keeps `AccountInfo` in `System.Account` too). */
export const Account = new StorageMap<Uint8Array, AccountData>(MODULE, "Account", bytesCodec, accountCodec);
