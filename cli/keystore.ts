/**
 * The node's keystore, laid out as Substrate's (`sc-keystore`'s `LocalKeystore`): one file per
 * key in one directory, `<base path>/chains/<chain id>/keystore` unless `--keystore-path`. A key's
 * file is named by its key type's four ASCII bytes in hex and its public key in hex
 * (`61757261<32-byte ed25519 key>` for `aura`, `6772616e<48-byte BLS key>` for `gran`); its content
 * is the secret URI as a JSON string (`"0x<seed>"` or a mnemonic with its path), as Substrate
 * writes it. The directory is made 0700 and each file 0600; a directory or file that group or
 * others may use is refused on load, as ssh refuses a loose private key (docs/keys.md).
 *
 * Both session keys are stored, each with its own secret (docs/keys.md, "Keystore"): `aura`, the
 * ed25519 authoring key the URI names; `gran`, the BLS finality key derived from the ed25519 seed
 * the URI names (`finalityKeypairFromAuthoringSeed`, the derivation the node has always used), so
 * a `gran` file holding the same URI as an `aura` file is exactly the pair `--authoring-key-file`
 * gives. Keys made here (`rotateSessionKeys`) take two independent random seeds: one leaked file
 * gives away one key.
 *
 * Nothing here logs, and no error carries a secret: errors name paths, key types and public keys.
 */
import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual, concatBytes, fromHex, isHex, toHex } from "../primitives/bytes.ts";
import { ArkreenError } from "../primitives/errors.ts";
import type { Ed25519Keypair } from "../primitives/keys/ed25519.ts";
import { keypairFromSuri } from "../primitives/keys/suri.ts";
import { staking } from "../runtime/api.ts";
import type { AuthorKeystore } from "../rpc/namespaces/author.ts";

/** The key types the node uses, as Substrate names them: Aura's authoring key and the finality (GRANDPA-like) key. */
export const KEY_TYPES = ["aura", "gran"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

const PUBLIC_KEY_LENGTH: Record<KeyType, number> = { aura: 32, gran: 48 };
/** Bytes of the session-keys blob: the `aura` then the `gran` public key (Substrate's `SessionKeys` order). */
export const SESSION_KEYS_LENGTH = PUBLIC_KEY_LENGTH.aura + PUBLIC_KEY_LENGTH.gran;
/** An ed25519 signature then a compressed BLS12-381 signature: the proofs of possession, in key order. */
export const SESSION_KEYS_PROOF_LENGTH = 64 + 96;

export type KeystoreErrorType =
  | { code: "UNKNOWN_KEY_TYPE"; keyType: string }
  | { code: "PERMISSIONS_TOO_OPEN"; path: string; mode: string }
  | { code: "NOT_A_DIRECTORY"; path: string }
  | { code: "KEY_UNREADABLE"; path: string; reason: string }
  | { code: "PUBLIC_KEY_MISMATCH"; keyType: KeyType; expected: string; actual: string }
  | { code: "KEY_NOT_FOUND"; keyType: KeyType; publicKey: string }
  | { code: "BAD_SESSION_KEYS"; length: number };

/** Never carries a secret: printed by the CLI and answered by RPC. */
export class KeystoreError extends ArkreenError<KeystoreErrorType> {}

export function isKeyType(value: string): value is KeyType {
  return (KEY_TYPES as readonly string[]).includes(value);
}

export function parseKeyType(value: string): KeyType {
  const keyType = value.toLowerCase();
  if (!isKeyType(keyType)) throw new KeystoreError({ code: "UNKNOWN_KEY_TYPE", keyType: value }, `unknown key type ${JSON.stringify(value)}: expected one of ${KEY_TYPES.join(", ")}`);
  return keyType;
}

/** Substrate's default: `<base path>/chains/<chain id>/keystore`. */
export function defaultKeystorePath(basePath: string, chainId: string): string {
  return join(basePath, "chains", chainId, "keystore");
}

/** The keypair a key type's secret URI names. */
export interface KeystoreKeypair {
  keyType: KeyType;
  publicKey: Uint8Array;
  /** ed25519: the 32-byte seed; BLS: the 32-byte secret scalar. */
  secretKey: Uint8Array;
  /** The secret URI it came from (for the dev-key check); never printed. */
  suri: string;
}

export function keypairOf(keyType: KeyType, suri: string): KeystoreKeypair {
  const ed = keypairFromSuri(suri);
  if (keyType === "aura") return { keyType, publicKey: ed.publicKey, secretKey: ed.secretSeed, suri };
  const bls = staking.finalityKeypairFromAuthoringSeed(ed.secretSeed);
  return { keyType, publicKey: bls.publicKey, secretKey: bls.secretKey, suri };
}

const TYPE_HEX: Record<KeyType, string> = { aura: Buffer.from("aura").toString("hex"), gran: Buffer.from("gran").toString("hex") };

/** The file name of a key: key type hex ++ public key hex, no `0x` (Substrate's `key_file_path`). */
export function keyFileName(keyType: KeyType, publicKey: Uint8Array): string {
  return TYPE_HEX[keyType] + toHex(publicKey).slice(2);
}

function modeText(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

/** The session keys' public halves, and the blob `author_rotateKeys` answers: `aura ++ gran`. */
export interface SessionPublicKeys {
  authoringKey: Uint8Array;
  finalityKey: Uint8Array;
}

export function encodeSessionKeys(keys: SessionPublicKeys): Uint8Array {
  return concatBytes(keys.authoringKey, keys.finalityKey);
}

/**
 * Reads a session-keys blob: 80 bytes of public keys, optionally followed by their 160 bytes of
 * proofs (what `author_rotateKeys(owner)` answers and `tx staking.validate --session-keys` takes).
 */
export function decodeSessionKeys(blob: Uint8Array): SessionPublicKeys & { proof: { authoringKeyProof: Uint8Array; finalityKeyProof: Uint8Array } | null } {
  if (blob.length !== SESSION_KEYS_LENGTH && blob.length !== SESSION_KEYS_LENGTH + SESSION_KEYS_PROOF_LENGTH) {
    throw new KeystoreError(
      { code: "BAD_SESSION_KEYS", length: blob.length },
      `session keys are ${SESSION_KEYS_LENGTH} bytes (aura ed25519 key ++ gran BLS key), or ${SESSION_KEYS_LENGTH + SESSION_KEYS_PROOF_LENGTH} with their proofs of possession; got ${blob.length}`,
    );
  }
  const authoringKey = blob.subarray(0, 32);
  const finalityKey = blob.subarray(32, SESSION_KEYS_LENGTH);
  const proof =
    blob.length === SESSION_KEYS_LENGTH
      ? null
      : { authoringKeyProof: blob.subarray(SESSION_KEYS_LENGTH, SESSION_KEYS_LENGTH + 64), finalityKeyProof: blob.subarray(SESSION_KEYS_LENGTH + 64) };
  return { authoringKey, finalityKey, proof };
}

/** The arguments of `staking.validate`, as `tx --args` takes them (hex strings). */
export interface ValidateArgsJson {
  authoringKey: string;
  authoringKeyProof: string;
  finalityKey: string;
  finalityKeyProof: string;
}

/** The validate call's arguments from a blob with proofs; throws if the blob has none. */
export function validateArgsFromSessionKeys(blob: Uint8Array): ValidateArgsJson {
  const keys = decodeSessionKeys(blob);
  if (keys.proof === null) {
    throw new KeystoreError(
      { code: "BAD_SESSION_KEYS", length: blob.length },
      `these session keys carry no proofs of possession, which staking.validate needs: make them with the stash as owner (author_rotateKeys with ["<stash address>"], or key generate-session-keys --stash <address>)`,
    );
  }
  return {
    authoringKey: toHex(keys.authoringKey),
    authoringKeyProof: toHex(keys.proof.authoringKeyProof),
    finalityKey: toHex(keys.finalityKey),
    finalityKeyProof: toHex(keys.proof.finalityKeyProof),
  };
}

/** A key as listed: its type, public key, and when its file was written (newest last in `list`). */
export interface KeystoreEntry {
  keyType: KeyType;
  publicKey: Uint8Array;
  path: string;
  mtimeMs: number;
}

export class Keystore {
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Opens (creating it, mode 0700, if absent) the keystore at `path`. Refuses a directory that group
   * or others may read, write or enter: whoever can list or replace its files can learn or swap keys.
   */
  static open(path: string): Keystore {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    const stat = statSync(path);
    if (!stat.isDirectory()) throw new KeystoreError({ code: "NOT_A_DIRECTORY", path }, `the keystore ${path} is not a directory`);
    if ((stat.mode & 0o077) !== 0) {
      const mode = modeText(stat.mode);
      throw new KeystoreError({ code: "PERMISSIONS_TOO_OPEN", path, mode }, `permissions ${mode} for the keystore ${path} are too open: it must be usable by its owner only (chmod 700 ${path})`);
    }
    return new Keystore(path);
  }

  /**
   * Stores the key `suri` names for `keyType`, and returns its public key. With `expectedPublicKey`
   * (`author_insertKey`), refuses a URI that does not name that key, so a typo cannot leave a
   * file named after one key holding another. Written to a temporary file (0600) then renamed.
   */
  insert(keyType: KeyType, suri: string, expectedPublicKey?: Uint8Array): Uint8Array {
    const { publicKey } = keypairOf(keyType, suri);
    if (expectedPublicKey !== undefined && !bytesEqual(expectedPublicKey, publicKey)) {
      throw new KeystoreError(
        { code: "PUBLIC_KEY_MISMATCH", keyType, expected: toHex(expectedPublicKey), actual: toHex(publicKey) },
        `the secret URI does not name the ${keyType} key ${toHex(expectedPublicKey)}: it names ${toHex(publicKey)}`,
      );
    }
    const file = join(this.path, keyFileName(keyType, publicKey));
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, JSON.stringify(suri));
    } catch (e) {
      closeSync(fd);
      unlinkSync(temp);
      throw e;
    }
    closeSync(fd);
    renameSync(temp, file);
    return publicKey;
  }

  /** A fresh key of `keyType` from 32 random bytes (its URI: `0x<seed>`), stored; returns its public key. */
  generate(keyType: KeyType): Uint8Array {
    return this.insert(keyType, toHex(randomBytes(32)));
  }

  /** The keys of `keyType` (all types when absent), oldest file first. Files that are not keys (other names) are skipped. */
  list(keyType?: KeyType): KeystoreEntry[] {
    const entries: KeystoreEntry[] = [];
    for (const name of readdirSync(this.path)) {
      for (const type of KEY_TYPES) {
        if (keyType !== undefined && type !== keyType) continue;
        const hex = TYPE_HEX[type];
        if (!name.startsWith(hex) || name.length !== hex.length + 2 * PUBLIC_KEY_LENGTH[type]) continue;
        const keyHex = `0x${name.slice(hex.length)}`;
        if (!isHex(keyHex)) continue;
        const path = join(this.path, name);
        entries.push({ keyType: type, publicKey: fromHex(keyHex), path, mtimeMs: statSync(path).mtimeMs });
      }
    }
    return entries.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  }

  /** Whether the key's file is there (`author_hasKey`); its content is read only when it is used. */
  hasKey(publicKey: Uint8Array, keyType: KeyType): boolean {
    if (publicKey.length !== PUBLIC_KEY_LENGTH[keyType]) return false;
    try {
      return statSync(join(this.path, keyFileName(keyType, publicKey))).isFile();
    } catch {
      return false;
    }
  }

  /** Whether every key of a session-keys blob is here (`author_hasSessionKeys`); false for a malformed blob. */
  hasSessionKeys(blob: Uint8Array): boolean {
    let keys: SessionPublicKeys;
    try {
      keys = decodeSessionKeys(blob);
    } catch {
      return false;
    }
    return this.hasKey(keys.authoringKey, "aura") && this.hasKey(keys.finalityKey, "gran");
  }

  /**
   * The keypair stored for `publicKey`. Refuses a file that group or others may use, one that is not
   * a regular file, and one whose URI names another key. The mode is read from the open descriptor.
   */
  load(keyType: KeyType, publicKey: Uint8Array): KeystoreKeypair {
    const path = join(this.path, keyFileName(keyType, publicKey));
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new KeystoreError({ code: "KEY_NOT_FOUND", keyType, publicKey: toHex(publicKey) }, `no ${keyType} key ${toHex(publicKey)} in the keystore ${this.path}`);
      throw new KeystoreError({ code: "KEY_UNREADABLE", path, reason: code ?? "open failed" }, `cannot open the key file ${path}: ${(e as Error).message}`);
    }
    let suri: string;
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new KeystoreError({ code: "KEY_UNREADABLE", path, reason: "not a regular file" }, `the key file ${path} is not a regular file`);
      if ((stat.mode & 0o077) !== 0) {
        const mode = modeText(stat.mode);
        throw new KeystoreError({ code: "PERMISSIONS_TOO_OPEN", path, mode }, `permissions ${mode} for the key file ${path} are too open: it must be readable by its owner only (chmod 600 ${path})`);
      }
      suri = parseKeyFile(readFileSync(fd, "utf8"), path);
    } finally {
      closeSync(fd);
    }
    const keypair = keypairOf(keyType, suri);
    if (!bytesEqual(keypair.publicKey, publicKey)) {
      throw new KeystoreError(
        { code: "PUBLIC_KEY_MISMATCH", keyType, expected: toHex(publicKey), actual: toHex(keypair.publicKey) },
        `the key file ${path} holds the secret of another key (${toHex(keypair.publicKey)}): remove it`,
      );
    }
    return keypair;
  }

  /** New session keys (`aura`, `gran`), each from its own random seed, stored; their public halves. */
  rotateSessionKeys(): SessionPublicKeys {
    return { authoringKey: this.generate("aura"), finalityKey: this.generate("gran") };
  }

  /**
   * The proofs of possession `staking.validate` needs for `keys` registered by `owner` (the stash)
   * on the chain of `genesisHash`: `authoringKeyProof ++ finalityKeyProof`, made with the stored secrets.
   */
  proveSessionKeys(keys: SessionPublicKeys, owner: Uint8Array, genesisHash: Uint8Array): Uint8Array {
    const aura = this.load("aura", keys.authoringKey);
    const gran = this.load("gran", keys.finalityKey);
    const authoring: Ed25519Keypair = { publicKey: aura.publicKey, secretSeed: aura.secretKey };
    return concatBytes(
      staking.signAuthoringPop(authoring, genesisHash, owner),
      staking.signFinalityPop({ publicKey: gran.publicKey, secretKey: gran.secretKey }, genesisHash, owner),
    );
  }
}

/** A key file's URI: a JSON string as Substrate writes it, or (written by hand) the bare URI, trailing whitespace trimmed. */
function parseKeyFile(text: string, path: string): string {
  const trimmed = text.trim();
  let suri = trimmed;
  if (trimmed.startsWith('"')) {
    try {
      suri = JSON.parse(trimmed) as string;
    } catch {
      throw new KeystoreError({ code: "KEY_UNREADABLE", path, reason: "malformed" }, `the key file ${path} is not a JSON string`);
    }
  }
  if (typeof suri !== "string" || suri === "") throw new KeystoreError({ code: "KEY_UNREADABLE", path, reason: "empty" }, `the key file ${path} is empty`);
  return suri;
}

/** The keystore as the RPC author namespace uses it. */
export function authorKeystore(keystore: Keystore): AuthorKeystore {
  return {
    rotateSessionKeys: () => keystore.rotateSessionKeys(),
    proveSessionKeys: (keys, owner, genesisHash) => keystore.proveSessionKeys(keys, owner, genesisHash),
    insertKey: (keyType, suri, publicKey) => void keystore.insert(parseKeyType(keyType), suri, publicKey),
    hasKey: (publicKey, keyType) => keystore.hasKey(publicKey, parseKeyType(keyType)),
    hasSessionKeys: (blob) => keystore.hasSessionKeys(blob),
  };
}

/**
 * The node's keystore: `keystorePath`, else `<basePath>/chains/<chainId>/keystore`; with neither (a
 * temporary base path, `--tmp` or `--dev`) a temporary directory that `close()` removes.
 */
export function openNodeKeystore(opts: { keystorePath?: string; basePath: string | null; chainId: string }): { keystore: Keystore; close(): void } {
  if (opts.keystorePath !== undefined) return { keystore: Keystore.open(opts.keystorePath), close: () => undefined };
  if (opts.basePath !== null) return { keystore: Keystore.open(defaultKeystorePath(opts.basePath, opts.chainId)), close: () => undefined };
  const temp = mkdtempSync(join(tmpdir(), "arkreen-keystore-"));
  return { keystore: Keystore.open(temp), close: () => rmSync(temp, { recursive: true, force: true }) };
}
