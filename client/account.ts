import { fromHex, isHex, toHex } from "../primitives/bytes.ts";
import { keypairFromSeed, sign } from "../primitives/keys/ed25519Sign.ts";
import { encodeAddress } from "../primitives/keys/ss58.ts";
import { ClientError } from "./errors.ts";

/** An ed25519 account that signs extrinsics: its 32-byte secret seed and public key (the account id). */
export interface Account {
  readonly publicKey: Uint8Array;
  /** SS58 address (prefix 42 unless given). */
  readonly address: string;
  sign(message: Uint8Array): Uint8Array;
  /** The 32-byte secret seed (what `key inspect` prints as "Secret seed"). */
  readonly secretSeed: Uint8Array;
}

/** The account of a 32-byte ed25519 secret seed, as bytes or 0x-hex; `BAD_INPUT` for anything else. */
export function accountFromSeed(seed: Uint8Array | string, ss58Format = 42): Account {
  if (typeof seed === "string" && !isHex(seed)) throw new ClientError("BAD_INPUT", "a secret seed is 0x-hex (32 bytes)", { what: "seed" });
  const bytes = typeof seed === "string" ? fromHex(seed) : seed;
  if (bytes.length !== 32) throw new ClientError("BAD_INPUT", `a secret seed is 32 bytes, got ${bytes.length}`, { what: "seed", length: bytes.length });
  const { publicKey, secretSeed } = keypairFromSeed(bytes);
  return { publicKey, secretSeed, address: encodeAddress(publicKey, ss58Format), sign: (message) => sign(secretSeed, message) };
}

/** `0x`-hex of an account id, for RPC parameters. */
export function accountIdHex(account: Pick<Account, "publicKey">): string {
  return toHex(account.publicKey);
}
