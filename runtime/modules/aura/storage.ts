import { codecs } from "../../../primitives/codec/index.ts";
import { StorageValue, bigintCodec, type ValueCodec } from "../../framework/storage.ts";

export const MODULE = "aura";

const accountListCodec: ValueCodec<Uint8Array[]> = {
  encode: (ids) => codecs.accountIdList.encode({ ids }),
  decode: (b) => codecs.accountIdList.decode(b).ids,
};

/** The ed25519 authoring keys of the current validator set, in slot order. */
export const Authorities = new StorageValue<Uint8Array[]>(MODULE, "Authorities", accountListCodec, () => []);
/** The slot of the last block; each block's slot must be strictly greater. */
export const CurrentSlot = new StorageValue<bigint>(MODULE, "CurrentSlot", bigintCodec, () => 0n);
