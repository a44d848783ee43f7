import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import type { ChainSpec } from "../genesis/chainSpec.ts";
import { ArkreenError } from "../primitives/errors.ts";
import { DEV_ACCOUNT_NAMES, isDevSecret } from "../primitives/keys/devAccounts.ts";
import type { Ed25519Keypair } from "../primitives/keys/ed25519.ts";
import { encodeAddress } from "../primitives/keys/ss58.ts";
import { keypairFromSuri } from "../primitives/keys/suri.ts";
import { aura, staking, type StateReader } from "../runtime/api.ts";
import { bytesEqual, toHex } from "../primitives/bytes.ts";
import type { Keystore, KeystoreKeypair } from "./keystore.ts";

/**
 * A validator's session keys (docs/operating.md, "Validator keys"): with `--validator` alone, the
 * `aura` and `gran` keys in the keystore (cli/keystore.ts); or, from one secret, the ed25519
 * authoring key a secret URI names and the BLS finality key derived from it
 * (`finalityKeypairFromAuthoringSeed`): `--alice`…, `--authoring-key-file`, `$ARKREEN_AUTHORING_KEY`.
 */

/** The environment variable that may hold the authoring key's secret URI (read once, then removed from the environment). */
export const AUTHORING_KEY_ENV = "ARKREEN_AUTHORING_KEY";

/** Chain types on which the dev keys, whose secrets are public, may be used (any other, `Live` and `Custom`, refuses them). */
const DEV_CHAIN_TYPES: ReadonlySet<ChainSpec["chainType"]> = new Set(["Development", "Local"]);

export type ValidatorKeyErrorType =
  | { code: "NO_AUTHORING_KEY" }
  | { code: "CONFLICTING_KEY_SOURCES"; sources: string[] }
  | { code: "DEV_KEY_REFUSED"; source: string; account: string; chainType: string }
  | { code: "KEY_FILE_UNREADABLE"; path: string; reason: string }
  | { code: "KEY_FILE_TOO_OPEN"; path: string; mode: string };

/** Never carries a secret: these errors are printed and logged. */
export class ValidatorKeyError extends ArkreenError<ValidatorKeyErrorType> {}

export interface ValidatorKeyFlags {
  dev?: boolean;
  validator?: boolean;
  authoringKey?: string;
  authoringKeyFile?: string;
  /** `--alice` … `--ferdie`. */
  [devAccount: string]: unknown;
}

export interface ValidatorKeys {
  /** Where the secret came from, as the operator wrote it: `--authoring-key-file`, `--alice`…, `the keystore <path>` */
  source: string;
  authoring: Ed25519Keypair;
  finalitySecretKey: Uint8Array;
  finalityPublicKey: Uint8Array;
}

/** The session keys the best state's sets hold: Aura's authorities (`aura`) and the current finality set's keys (`gran`). */
export interface ActiveSessionKeys {
  aura: readonly Uint8Array[];
  gran: readonly Uint8Array[];
}

/** The session keys `state`'s Aura authority set and current finality set hold (read through the runtime API). */
export function activeSessionKeysAt(state: StateReader): ActiveSessionKeys {
  return { aura: aura.authorities(state), gran: staking.currentFinalitySet(state)?.authorities.map((a) => a.finalityKey) ?? [] };
}

export interface ValidatorKeyDeps {
  env: NodeJS.ProcessEnv;
  info(message: string): void;
  warn(message: string): void;
  keystore?: () => Keystore;
  /** The keys the best state's sets hold; asked only when the keystore holds several keys of a type. */
  activeKeys?: () => Promise<ActiveSessionKeys>;
}

interface Source {
  name: string;
  suri: () => string;
}

/**
 * The secret URI in `path`, trailing whitespace trimmed. Refused, like ssh refuses a private key,
 * if the file is not a regular file or if its group or others may read or write it. The mode is
 * read from the open descriptor, so it is the mode of the file actually read.
 */
export function readAuthoringKeyFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new ValidatorKeyError({ code: "KEY_FILE_UNREADABLE", path, reason: (e as NodeJS.ErrnoException).code ?? "open failed" }, `cannot open the authoring key file ${path}: ${(e as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ValidatorKeyError({ code: "KEY_FILE_UNREADABLE", path, reason: "not a regular file" }, `the authoring key file ${path} is not a regular file`);
    const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
    if ((stat.mode & 0o077) !== 0) {
      throw new ValidatorKeyError(
        { code: "KEY_FILE_TOO_OPEN", path, mode },
        `permissions ${mode} for the authoring key file ${path} are too open: it must be readable by its owner only (chmod 600 ${path})`,
      );
    }
    const suri = readFileSync(fd, "utf8").trimEnd();
    if (suri === "") throw new ValidatorKeyError({ code: "KEY_FILE_UNREADABLE", path, reason: "empty" }, `the authoring key file ${path} is empty`);
    return suri;
  } finally {
    closeSync(fd);
  }
}

function sourcesOf(flags: ValidatorKeyFlags, env: NodeJS.ProcessEnv): Source[] {
  const sources: Source[] = [];
  for (const name of DEV_ACCOUNT_NAMES) {
    if (flags[name.toLowerCase()] === true) sources.push({ name: `--${name.toLowerCase()}`, suri: () => `//${name}` });
  }
  const { authoringKey, authoringKeyFile } = flags;
  if (authoringKey !== undefined) sources.push({ name: "--authoring-key", suri: () => authoringKey });
  if (authoringKeyFile !== undefined) sources.push({ name: "--authoring-key-file", suri: () => readAuthoringKeyFile(authoringKeyFile) });
  const fromEnv = env[AUTHORING_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") sources.push({ name: AUTHORING_KEY_ENV, suri: () => fromEnv });
  // `--dev` is `--alice` unless a key is named.
  if (sources.length === 0 && flags.dev) sources.push({ name: "--dev", suri: () => "//Alice" });
  return sources;
}

/**
 * The validator keys the flags and environment name, or null for a node that only follows. At most
 * one source: `--alice` … `--ferdie` (`--dev`: Alice), `--authoring-key-file <path>`,
 * `$ARKREEN_AUTHORING_KEY`, or `--authoring-key <suri>` (`warn`ed about: any local user sees a
 * command line); with none, `--validator` takes its session keys from the keystore (`deps.keystore`,
 * opened only then; of several keys of a type, the one the best state's set holds, `deps.activeKeys`,
 * else the newest), and a keystore without both keys is `warn`ed about and yields null: the node
 * follows the chain. A key anyone can recompute — a dev account's, or any path from the dev phrase —
 * is refused unless the chain is a Development or Local one. The environment variable is removed
 * from `env` once read, so that processes the node starts do not inherit the secret.
 */
export async function selectValidatorKeys(flags: ValidatorKeyFlags, chainType: ChainSpec["chainType"], deps: ValidatorKeyDeps): Promise<ValidatorKeys | null> {
  const { env } = deps;
  const sources = sourcesOf(flags, env);
  if (sources.length > 1) {
    const names = sources.map((s) => s.name);
    throw new ValidatorKeyError({ code: "CONFLICTING_KEY_SOURCES", sources: names }, `the authoring key is named more than once (${names.join(", ")}): keep one`);
  }
  if (sources.length === 0) {
    if (!flags.validator) return null;
    if (deps.keystore === undefined) {
      throw new ValidatorKeyError(
        { code: "NO_AUTHORING_KEY" },
        `--validator needs session keys: a keystore, --authoring-key-file <path> or $${AUTHORING_KEY_ENV} (a secret URI), or --alice … --ferdie on a dev or local chain`,
      );
    }
    return keystoreKeys(deps.keystore(), chainType, deps);
  }
  const [source] = sources;
  if (source.name === "--authoring-key") {
    deps.warn(`--authoring-key puts the secret on the command line, where any user of this machine can read it (ps, /proc/<pid>/cmdline): use the keystore (key insert, author_rotateKeys), --authoring-key-file <path> (mode 600) or $${AUTHORING_KEY_ENV}`);
  }
  const suri = source.suri();
  if (source.name === AUTHORING_KEY_ENV) delete env[AUTHORING_KEY_ENV];
  const authoring = keypairFromSuri(suri);
  refuseDevKey(suri, authoring.publicKey, source.name, chainType);
  const finality = staking.finalityKeypairFromAuthoringSeed(authoring.secretSeed);
  return { source: source.name, authoring, finalitySecretKey: finality.secretKey, finalityPublicKey: finality.publicKey };
}

function refuseDevKey(suri: string, edPublicKey: Uint8Array, source: string, chainType: ChainSpec["chainType"]): void {
  if (!isDevSecret(suri, edPublicKey) || DEV_CHAIN_TYPES.has(chainType)) return;
  const account = encodeAddress(edPublicKey);
  throw new ValidatorKeyError(
    { code: "DEV_KEY_REFUSED", source, account, chainType },
    `the authoring key from ${source} (${account}) is a dev key, whose secret anyone can derive: refused on a ${chainType} chain (dev keys only run Development and Local chains). Generate a key with \`arkreen-node key generate\``,
  );
}

/**
 * The `aura` and the `gran` key of the keystore, or null, with a warning, when one is missing. With
 * several of a type (the operator rotated), the one the best state's set holds, else the newest:
 * after `author_rotateKeys` and `staking.validate`, the new keys enter the sets only sessions later,
 * and until then a restarted validator must keep authoring and voting with the old ones.
 */
async function keystoreKeys(keystore: Keystore, chainType: ChainSpec["chainType"], deps: ValidatorKeyDeps): Promise<ValidatorKeys | null> {
  const source = `the keystore ${keystore.path}`;
  const entries = { aura: keystore.list("aura"), gran: keystore.list("gran") };
  let active: ActiveSessionKeys | null = null;
  if ((entries.aura.length > 1 || entries.gran.length > 1) && deps.activeKeys !== undefined) active = await deps.activeKeys();
  const choose = (keyType: "aura" | "gran", setName: string): KeystoreKeypair | null => {
    const list = entries[keyType];
    if (list.length === 0) return null;
    const newest = list[list.length - 1];
    if (list.length === 1) return keystore.load(keyType, newest.publicKey);
    const inSet = list.filter((e) => active?.[keyType].some((k) => bytesEqual(k, e.publicKey)) === true);
    const chosen = inSet.length > 0 ? inSet[inSet.length - 1] : newest;
    const why = inSet.length > 0 ? `the one in the current ${setName}` : active === null ? "the newest" : `the newest (none is in the current ${setName})`;
    deps.info(`The keystore holds ${list.length} ${keyType} keys: using ${why}, ${toHex(chosen.publicKey)}`);
    return keystore.load(keyType, chosen.publicKey);
  };
  const auraKey = choose("aura", "authority set");
  const granKey = choose("gran", "finality set");
  if (auraKey === null || granKey === null) {
    const missing = [auraKey === null ? "aura (authoring)" : null, granKey === null ? "gran (finality)" : null].filter((m) => m !== null).join(" and ");
    deps.warn(
      `--validator: no ${missing} session key in ${keystore.path}: this node follows the chain without authoring or voting. ` +
        `Make keys with author_rotateKeys (RPC) or \`arkreen-node key generate-session-keys\`, or add one with \`arkreen-node key insert\`, register them with staking.validate, then restart the node`,
    );
    return null;
  }
  for (const key of [auraKey, granKey]) refuseDevKey(key.suri, keypairFromSuri(key.suri).publicKey, source, chainType);
  return { source, authoring: { publicKey: auraKey.publicKey, secretSeed: auraKey.secretKey }, finalitySecretKey: granKey.secretKey, finalityPublicKey: granKey.publicKey };
}
