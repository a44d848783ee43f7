import { pbkdf2Sync } from "node:crypto";
import { mnemonicToEntropy } from "@scure/bip39";
import { wordlist as english } from "@scure/bip39/wordlists/english.js";
import { concatBytes, fromHex, isHex, utf8 } from "../bytes.ts";
import { blake2b256 } from "../hash.ts";
import { keypairFromSeed, ED25519_SEED_LENGTH } from "./ed25519.ts";
import type { Ed25519Keypair } from "./ed25519.ts";
import { SecretUriError } from "./errors.ts";

/**
 * Secret URIs exactly as Substrate's `Pair::from_string_with_seed` (sp-core) reads them for
 * ed25519:
 *
 *   `<mnemonic | 0x-hex seed>[//hard | /soft]...[///password]`
 *
 * A missing phrase means the dev phrase, so `//Alice` is `DEV_PHRASE//Alice`. docs/keys.md walks
 * through the derivation step by step.
 */

/** Substrate's `DEV_PHRASE` (sp-core): the root of `//Alice` … `//Ferdie`. */
export const DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

/** A junction's chain code is 32 bytes (sp-core `JUNCTION_ID_LEN`). */
const CHAIN_CODE_LENGTH = 32;
/** SCALE encoding of the string "Ed25519HDKD": compact length 11 (0x2c) then the ASCII bytes. */
const ED25519_HDKD = concatBytes(Uint8Array.of(11 << 2), utf8("Ed25519HDKD"));
const U64_MAX = (1n << 64n) - 1n;

export interface DeriveJunction {
  /** `//name` (hard) or `/name` (soft). */
  hard: boolean;
  /** The junction as written, without its slashes. */
  text: string;
  chainCode: Uint8Array;
}

export interface SecretUri {
  /** The mnemonic or `0x`-hex seed; `DEV_PHRASE` when the URI starts with `/`. */
  phrase: string;
  junctions: DeriveJunction[];
  /** Present when the URI ends in `///password` (possibly empty). */
  password?: string;
}

/** SCALE compact encoding of a length (all four modes). */
function compactLength(n: number): Uint8Array {
  if (n < 1 << 6) return Uint8Array.of(n << 2);
  if (n < 1 << 14) return Uint8Array.of(((n << 2) | 1) & 0xff, n >> 6);
  if (n < 2 ** 30) {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, n * 4 + 2, true);
    return out;
  }
  // Big-integer mode: byte count − 4 in the upper six bits, then the value little-endian.
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.push(v % 256);
  return Uint8Array.of(((bytes.length - 4) << 2) | 3, ...bytes);
}

/**
 * A junction's chain code, as sp-core `DeriveJunction::from(&str)`: a decimal that parses as a
 * Rust `u64` (optional `+`, leading zeros allowed) is SCALE-encoded as u64 little-endian; anything
 * else as a SCALE string. The encoding is zero-padded to 32 bytes, or hashed with blake2b-256 if
 * longer.
 */
export function junctionChainCode(text: string): Uint8Array {
  let encoded: Uint8Array;
  const numeric = /^\+?[0-9]+$/.test(text) ? BigInt(text) : null;
  if (numeric !== null && numeric <= U64_MAX) {
    encoded = new Uint8Array(8);
    new DataView(encoded.buffer).setBigUint64(0, numeric, true);
  } else {
    const bytes = utf8(text);
    encoded = concatBytes(compactLength(bytes.length), bytes);
  }
  if (encoded.length > CHAIN_CODE_LENGTH) return blake2b256(encoded);
  const chainCode = new Uint8Array(CHAIN_CODE_LENGTH);
  chainCode.set(encoded);
  return chainCode;
}

const isPhraseChar = (c: string): boolean => /[a-zA-Z0-9 ]/.test(c);

/**
 * Splits a secret URI the way sp-core's `AddressUri::parse` does (equivalent to the regex
 * `^([a-zA-Z0-9 ]+)?((//?[^/]+)*)(///(.*))?$`). Throws `SecretUriError` "INVALID_FORMAT".
 */
export function parseSecretUri(suri: string): SecretUri {
  let i = 0;
  while (i < suri.length && isPhraseChar(suri[i])) i++;
  const phrase = i > 0 ? suri.slice(0, i) : DEV_PHRASE;
  const junctions: DeriveJunction[] = [];
  let password: string | undefined;
  const takeSegment = (): string => {
    const start = i;
    while (i < suri.length && suri[i] !== "/") i++;
    if (i === start) throw new SecretUriError({ code: "INVALID_FORMAT", position: start }, `invalid secret URI: empty junction at position ${start}`);
    return suri.slice(start, i);
  };
  while (i < suri.length) {
    if (password !== undefined) {
      // Only a newline can stop a password; nothing may follow it.
      throw new SecretUriError({ code: "INVALID_FORMAT", position: i }, `invalid secret URI: unexpected character at position ${i}`);
    }
    if (suri.startsWith("///", i)) {
      const end = suri.indexOf("\n", i + 3);
      password = suri.slice(i + 3, end === -1 ? suri.length : end);
      i = end === -1 ? suri.length : end;
    } else if (suri.startsWith("//", i)) {
      i += 2;
      const text = takeSegment();
      junctions.push({ hard: true, text, chainCode: junctionChainCode(text) });
    } else if (suri[i] === "/") {
      i += 1;
      const text = takeSegment();
      junctions.push({ hard: false, text, chainCode: junctionChainCode(text) });
    } else {
      throw new SecretUriError({ code: "INVALID_FORMAT", position: i }, `invalid secret URI: unexpected character at position ${i}`);
    }
  }
  return password === undefined ? { phrase, junctions } : { phrase, junctions, password };
}

/** @scure/bip39's messages name the offending word; keep secrets out of error data and logs. */
function phraseErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  if (message.startsWith("Unknown word")) return "a word is not in the BIP39 English list";
  if (message === "Invalid checksum") return "bad checksum";
  if (message === "Invalid mnemonic") return "expected 12, 15, 18, 21 or 24 words";
  return "not a BIP39 mnemonic";
}

/**
 * The 32-byte mini-secret of a BIP39 phrase, as `substrate-bip39`: PBKDF2-HMAC-SHA512 over the
 * phrase's *entropy* (not the phrase text, unlike BIP39's own seed), salt "mnemonic" + password,
 * 2048 iterations, first 32 of the 64 bytes. Throws `SecretUriError` "INVALID_PHRASE".
 */
export function miniSecretFromPhrase(phrase: string, password = ""): Uint8Array {
  // bip39 (Rust) splits on any whitespace; @scure/bip39 wants single spaces.
  const words = phrase.normalize("NFKD").split(/\s+/).filter((w) => w.length > 0).join(" ");
  let entropy: Uint8Array;
  try {
    entropy = mnemonicToEntropy(words, english);
  } catch (error) {
    throw new SecretUriError({ code: "INVALID_PHRASE", reason: phraseErrorReason(error) }, `invalid secret phrase: ${phraseErrorReason(error)}`);
  }
  const seed = pbkdf2Sync(entropy, Buffer.from("mnemonic" + password, "utf8"), 2048, 64, "sha512");
  return new Uint8Array(seed.subarray(0, ED25519_SEED_LENGTH));
}

/** sp-core ed25519 `derive_hard_junction`: blake2b-256(SCALE(("Ed25519HDKD", seed, chainCode))). */
export function deriveHardSeed(seed: Uint8Array, chainCode: Uint8Array): Uint8Array {
  return blake2b256(concatBytes(ED25519_HDKD, seed, chainCode));
}

/**
 * The keypair a secret URI names; `secretSeed` is the seed after the last junction. A password
 * given here overrides the URI's `///password` (as `--password` does in Substrate); it does not
 * apply to a hex seed. Throws `SecretUriError`: ed25519 has no soft derivation.
 */
export function keypairFromSuri(suri: string, passwordOverride?: string): Ed25519Keypair {
  const uri = parseSecretUri(suri);
  let seed: Uint8Array;
  if (uri.phrase.startsWith("0x")) {
    if (!isHex(uri.phrase)) throw new SecretUriError({ code: "INVALID_SEED", reason: "not hex" }, "invalid secret seed: not hex");
    seed = fromHex(uri.phrase);
    if (seed.length !== ED25519_SEED_LENGTH) {
      const reason = `${seed.length} bytes, expected ${ED25519_SEED_LENGTH}`;
      throw new SecretUriError({ code: "INVALID_SEED", reason }, `invalid secret seed: ${reason}`);
    }
  } else {
    seed = miniSecretFromPhrase(uri.phrase, passwordOverride ?? uri.password ?? "");
  }
  for (const junction of uri.junctions) {
    if (!junction.hard) {
      // The junction is part of the secret URI: the message does not repeat it.
      throw new SecretUriError({ code: "SOFT_JUNCTION" }, "soft derivation (/…) is not possible with ed25519 keys; use hard derivation (//…)");
    }
    seed = deriveHardSeed(seed, junction.chainCode);
  }
  return keypairFromSeed(seed);
}
