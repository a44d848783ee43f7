import { StorageValue, bytesCodec } from "../../framework/storage.ts";

export const MODULE = "sudo";

/** The account allowed to dispatch calls as root. Set at genesis; changed only by itself. */
export const Key = new StorageValue<Uint8Array>(MODULE, "Key", bytesCodec, () => {
  throw new Error("sudo.Key missing from genesis");
});
