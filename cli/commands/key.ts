import { readFileSync, statSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { generateMnemonic } from "@scure/bip39";
import { wordlist as english } from "@scure/bip39/wordlists/english.js";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { fromHex, isHex, toHex } from "../../primitives/bytes.ts";
import { keypairFromSeed } from "../../primitives/keys/ed25519.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { decodeAddress, decodeSs58, encodeAddress, isUsableSs58Prefix, networkName, SS58_DEFAULT_PREFIX, SS58_MAX_PREFIX, SS58_NETWORK_NAMES } from "../../primitives/keys/ss58.ts";
import type { DecodedSs58 } from "../../primitives/keys/ss58.ts";
import { keypairFromSuri, miniSecretFromPhrase } from "../../primitives/keys/suri.ts";
import { staking } from "../../runtime/api.ts";
import { selectBasePath, selectChainSpec } from "../chainSelection.ts";
import { decodeSessionKeys, encodeSessionKeys, openNodeKeystore, parseKeyType, type Keystore, type KeyType } from "../keystore.ts";
import { readSecret } from "../secretInput.ts";
import { oneOf } from "../flagValues.ts";
import { readSecretFile } from "../secretInput.ts";

/**
 * `arkreen-node key generate|inspect`: Substrate's `key` subcommands (sc-cli), same flags and the
 * same text and JSON layouts, for the one scheme Arkreen accounts use, ed25519. `key session-keys`
 * is Arkreen's own: a validator's two session keys and their proofs of possession.
 */

export type OutputType = "text" | "json";

export interface KeyOutputOptions {
  /** SS58 prefix to print addresses with; 42 ("substrate") when absent. */
  network?: number;
  outputType: OutputType;
  /** Overrides a `///password` in the URI; salts the mnemonic → seed step. */
  password?: string;
}

export interface InspectOptions extends KeyOutputOptions {
  /** The URI is a hex-encoded public key. */
  public: boolean;
}

export interface GenerateOptions extends KeyOutputOptions {
  words: number;
}

/** Where the command writes: stdout for results, stderr for errors. */
export interface KeyCommandIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: KeyCommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const WORD_COUNTS = [12, 15, 18, 21, 24];

interface AccountFields {
  networkId: string;
  publicKey: string;
  accountId: string;
  ss58PublicKey: string;
  ss58Address: string;
}

function accountFields(publicKey: Uint8Array, prefix: number): AccountFields {
  const hex = toHex(publicKey);
  const address = encodeAddress(publicKey, prefix);
  // An ed25519 account id is its public key, so both pairs of lines agree, as in Substrate.
  return { networkId: networkName(prefix), publicKey: hex, accountId: hex, ss58PublicKey: address, ss58Address: address };
}

/** serde_json (as sc-cli uses it) sorts object keys; keep the same order so scripts see the same JSON. */
function sortedJson(fields: Record<string, string>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) sorted[key] = fields[key];
  return JSON.stringify(sorted, null, 2);
}

function secretText(firstLine: string, keypair: Ed25519Keypair, fields: AccountFields): string {
  return [
    firstLine,
    `  Network ID:        ${fields.networkId}`,
    `  Secret seed:       ${toHex(keypair.secretSeed)}`,
    `  Public key (hex):  ${fields.publicKey}`,
    `  Account ID:        ${fields.accountId}`,
    `  Public key (SS58): ${fields.ss58PublicKey}`,
    `  SS58 Address:      ${fields.ss58Address}`,
  ].join("\n");
}

function publicText(header: string[], fields: AccountFields): string {
  return [
    ...header,
    `  Public key (hex):   ${fields.publicKey}`,
    `  Account ID:         ${fields.accountId}`,
    `  Public key (SS58):  ${fields.ss58PublicKey}`,
    `  SS58 Address:       ${fields.ss58Address}`,
  ].join("\n");
}

/** A bare mnemonic, printed as "Secret phrase" (sc-cli tries this reading first). */
function phraseAccount(phrase: string, opts: KeyOutputOptions): string | null {
  let seed: Uint8Array;
  try {
    seed = miniSecretFromPhrase(phrase, opts.password);
  } catch {
    return null;
  }
  const keypair = keypairFromSeed(seed);
  const fields = accountFields(keypair.publicKey, opts.network ?? SS58_DEFAULT_PREFIX);
  if (opts.outputType === "json") return sortedJson({ secretPhrase: phrase, secretSeed: toHex(keypair.secretSeed), ...fields });
  return secretText(`Secret phrase:       ${phrase}`, keypair, fields);
}

/**
 * What `key inspect <uri>` prints, read as sc-cli's `print_from_uri` does: a bare mnemonic, else
 * a secret URI (`//Alice`, `<phrase>//hard///password`, `0x<seed>`), else an SS58 address. With
 * `public`, the URI is a hex public key instead (`print_from_public`). Throws `ArkreenError` or
 * `Error` with a one-line message when none of the readings applies.
 */
export function inspectKeyOutput(uri: string, opts: InspectOptions): string {
  if (opts.public) {
    const hex = uri.startsWith("0x") ? uri : `0x${uri}`;
    const publicKey = isHex(hex) ? fromHex(hex) : null;
    if (publicKey === null || publicKey.length !== 32) throw new Error("Failed to construct public key from given hex");
    const fields = accountFields(publicKey, opts.network ?? SS58_DEFAULT_PREFIX);
    if (opts.outputType === "json") return sortedJson({ ...fields });
    return publicText([`Network ID/Version: ${fields.networkId}`], fields);
  }

  const fromPhrase = phraseAccount(uri, opts);
  if (fromPhrase !== null) return fromPhrase;

  let secretError: unknown;
  try {
    const keypair = keypairFromSuri(uri, opts.password);
    const fields = accountFields(keypair.publicKey, opts.network ?? SS58_DEFAULT_PREFIX);
    if (opts.outputType === "json") return sortedJson({ secretKeyUri: uri, secretSeed: toHex(keypair.secretSeed), ...fields });
    return secretText(`Secret Key URI \`${uri}\` is account:`, keypair, fields);
  } catch (error) {
    secretError = error;
  }

  let decoded: DecodedSs58;
  try {
    decoded = decodeSs58(uri);
  } catch {
    // Neither reading applies: report why the secret reading failed, the likelier intent.
    const reason = secretError instanceof Error ? secretError.message : String(secretError);
    throw new Error(`Invalid phrase/URI given: ${reason}`);
  }
  const fields = accountFields(decoded.publicKey, opts.network ?? decoded.prefix);
  if (opts.outputType === "json") return sortedJson({ publicKeyUri: uri, ...fields });
  return publicText([`Public Key URI \`${uri}\` is account:`, `  Network ID/Version: ${fields.networkId}`], fields);
}

/** What `key generate` prints: a fresh mnemonic of `words` words, shown as `inspect` shows a phrase. */
export function generateKeyOutput(opts: GenerateOptions): string {
  if (!WORD_COUNTS.includes(opts.words)) throw new Error(`Invalid number of words given for phrase: must be one of ${WORD_COUNTS.join(", ")}`);
  // BIP39: 11 bits a word, one of every 33 bits is checksum.
  const phrase = generateMnemonic(english, (opts.words / 3) * 32);
  return inspectKeyOutput(phrase, { ...opts, public: false });
}

export interface SessionKeysOptions {
  /** The account that will submit `staking.validate`; the key's own account when absent. */
  stash?: Uint8Array;
  /** The chain's genesis hash: the proofs are valid on that chain only. */
  genesisHash: Uint8Array;
  network?: number;
  outputType: OutputType;
  password?: string;
}

/**
 * What `key session-keys <uri>` prints: the authoring key the URI names, the finality key derived
 * from it (as the node derives it, `finalityKeypairFromAuthoringSeed`), and both proofs of
 * possession for `stash` on the chain of `genesisHash` — `staking.validate`'s arguments. The JSON
 * form is exactly those arguments, for `tx staking.validate --args`. Prints nothing secret, not
 * even the URI.
 */
export function sessionKeysOutput(uri: string, opts: SessionKeysOptions): string {
  const authoring = keypairFromSuri(uri, opts.password);
  const stash = opts.stash ?? authoring.publicKey;
  const finality = staking.finalityKeypairFromAuthoringSeed(authoring.secretSeed);
  const args = {
    authoringKey: toHex(authoring.publicKey),
    authoringKeyProof: toHex(staking.signAuthoringPop(authoring, opts.genesisHash, stash)),
    finalityKey: toHex(finality.publicKey),
    finalityKeyProof: toHex(staking.signFinalityPop(finality, opts.genesisHash, stash)),
  };
  if (opts.outputType === "json") return sortedJson(args);
  const prefix = opts.network ?? SS58_DEFAULT_PREFIX;
  return [
    `Session keys for stash ${encodeAddress(stash, prefix)} on the chain with genesis ${toHex(opts.genesisHash)}:`,
    `  Authoring key:       ${args.authoringKey} (${encodeAddress(authoring.publicKey, prefix)})`,
    `  Authoring key proof: ${args.authoringKeyProof}`,
    `  Finality key:        ${args.finalityKey}`,
    `  Finality key proof:  ${args.finalityKeyProof}`,
  ].join("\n");
}

function parseNetwork(value: string): number {
  for (const [prefix, name] of SS58_NETWORK_NAMES) if (name === value) return prefix;
  const prefix = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!isUsableSs58Prefix(prefix)) {
    const names = [...SS58_NETWORK_NAMES.values()].join(", ");
    throw new InvalidArgumentError(`expected an SS58 prefix 0..${SS58_MAX_PREFIX} (not the reserved 46, 47) or one of ${names}`);
  }
  return prefix;
}

function parseScheme(value: string): "ed25519" {
  if (value.toLowerCase() !== "ed25519") throw new InvalidArgumentError("only ed25519 is supported: Arkreen accounts are ed25519 keys");
  return "ed25519";
}

function parseWords(value: string): number {
  const words = Number(value);
  if (!WORD_COUNTS.includes(words)) throw new InvalidArgumentError(`must be one of ${WORD_COUNTS.join(", ")}`);
  return words;
}

/**
 * sc-cli reads the URI from a file when the argument names one (keeps secrets out of shell history
 * and `ps`); `tx --signer` does too, and then, as for `--signer-file`, only from a file its owner
 * alone may read (`secretWhat` names it in the refusal).
 */
export function readUri(uri: string, secretWhat?: string): string {
  let isFile = false;
  try {
    isFile = statSync(uri).isFile();
  } catch {
    // Not a path: the argument is the URI itself.
  }
  if (!isFile) return uri;
  return secretWhat === undefined ? readFileSync(uri, "utf8").trimEnd() : readSecretFile(uri, secretWhat);
}

function commonOptions(command: Command): Command {
  return command
    .addOption(new Option("--scheme <scheme>", "cryptography scheme").argParser(parseScheme).default("ed25519"))
    .addOption(new Option("-n, --network <network>", "network: SS58 prefix or name (default: substrate, 42)").argParser(parseNetwork))
    .addOption(new Option("--output-type <type>", "output format: text or json").argParser(oneOf("output-type", ["text", "json"])).default("text"))
    .addOption(new Option("--password <password>", "password salting the mnemonic; overrides a ///password in the URI"));
}

interface ParsedOptions {
  network?: number;
  outputType: OutputType;
  password?: string;
  public?: boolean;
  words?: number;
  stash?: string;
  chain?: string;
  dev?: boolean;
  basePath?: string;
  keystorePath?: string;
  keyType?: KeyType;
  suri?: string;
  suriFile?: string;
}

/** The environment variable `key insert` reads the secret URI from when no other source is given. */
export const SURI_ENV = "ARKREEN_SURI";

/** The keystore `key insert` and `key generate-session-keys` write to: the node's, as `run` would open it. */
function keystoreFor(opts: ParsedOptions): { keystore: Keystore; genesisHash: () => Uint8Array; chainId: string } {
  // `--dev` alone runs on temporary storage, keystore included: a key inserted here would never be seen.
  if (opts.dev && opts.basePath === undefined && opts.keystorePath === undefined) {
    throw new Error("a --dev node keeps its keystore in temporary storage: give --base-path here and to the node (or --keystore-path)");
  }
  const spec = selectChainSpec({ chain: opts.chain, dev: opts.dev });
  const basePath = selectBasePath({ basePath: opts.basePath }) as string;
  const { keystore } = openNodeKeystore({ keystorePath: opts.keystorePath, basePath, chainId: spec.id });
  return { keystore, genesisHash: () => buildGenesisBlock(spec).hash, chainId: spec.id };
}

function keystoreOptions(command: Command): Command {
  return command
    .option("--chain <id-or-path>", "the chain whose keystore to use: dev, local, or a chain spec JSON file (default: local)")
    .option("--dev", "--chain dev")
    .option("-d, --base-path <path>", "the node's base path (default: ~/.local/share/arkreen-node)")
    .option("--keystore-path <path>", "the keystore directory (default: <base-path>/chains/<chain id>/keystore)");
}

/** What `key insert` prints: the key type and public key stored (never the secret). */
export function insertKeyOutput(keystore: Keystore, keyType: KeyType, suri: string): string {
  const publicKey = keystore.insert(keyType, suri);
  const address = keyType === "aura" ? ` (${encodeAddress(publicKey)})` : "";
  return `Inserted ${keyType} key ${toHex(publicKey)}${address} into ${keystore.path}`;
}

/**
 * What `key generate-session-keys` prints: new `aura` and `gran` keys, stored in the keystore, as
 * the session-keys blob `aura ++ gran` — with the proofs of possession appended when `stash` is
 * given, the one blob `tx staking.validate --session-keys` takes. Nothing secret is printed.
 */
export function generateSessionKeysOutput(keystore: Keystore, opts: { stash?: Uint8Array; genesisHash: () => Uint8Array; outputType: OutputType; network?: number }): string {
  const keys = keystore.rotateSessionKeys();
  const publicBlob = encodeSessionKeys(keys);
  const proof = opts.stash === undefined ? null : keystore.proveSessionKeys(keys, opts.stash, opts.genesisHash());
  const blob = proof === null ? publicBlob : new Uint8Array([...publicBlob, ...proof]);
  const decoded = decodeSessionKeys(blob);
  if (opts.outputType === "json") {
    const fields: Record<string, string> = { sessionKeys: toHex(blob), authoringKey: toHex(keys.authoringKey), finalityKey: toHex(keys.finalityKey) };
    if (decoded.proof !== null) {
      fields.authoringKeyProof = toHex(decoded.proof.authoringKeyProof);
      fields.finalityKeyProof = toHex(decoded.proof.finalityKeyProof);
    }
    return sortedJson(fields);
  }
  const prefix = opts.network ?? SS58_DEFAULT_PREFIX;
  const lines = [
    `Session keys stored in ${keystore.path}:`,
    `  aura (authoring): ${toHex(keys.authoringKey)} (${encodeAddress(keys.authoringKey, prefix)})`,
    `  gran (finality):  ${toHex(keys.finalityKey)}`,
  ];
  if (opts.stash === undefined) {
    lines.push(`Session keys: ${toHex(blob)}`, `(no proofs of possession: staking.validate needs them; pass --stash <address> to make keys with them)`);
  } else {
    lines.push(`Session keys with proofs for stash ${encodeAddress(opts.stash, prefix)}: ${toHex(blob)}`);
  }
  return lines.join("\n");
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `key` command; the node's CLI mounts it as `arkreen-node key`. */
export function keyCommand(io: KeyCommandIo = processIo): Command {
  const output = { writeOut: io.out, writeErr: io.err };
  const run = (command: Command, produce: () => string): void => {
    let text: string;
    try {
      text = produce();
    } catch (error) {
      command.error(`Error: ${errorMessage(error)}`, { exitCode: 1, code: "arkreen.key" });
    }
    io.out(text + "\n");
  };

  const key = new Command("key").description("Manage account keys: generate and inspect ed25519 keys and SS58 addresses").configureOutput(output);

  const generate = commonOptions(new Command("generate"))
    .description("Generate a random mnemonic and print its account")
    .addOption(new Option("-w, --words <words>", "number of words in the phrase").argParser(parseWords).default(12))
    .configureOutput(output)
    .action((opts: ParsedOptions, command: Command) => {
      run(command, () => generateKeyOutput({ words: opts.words ?? 12, network: opts.network, outputType: opts.outputType, password: opts.password }));
    });

  const inspect = commonOptions(new Command("inspect"))
    .description("Print the public key and SS58 address of a secret URI, a mnemonic, a seed or an address")
    .argument("<uri>", "secret URI (//Alice, <mnemonic>//hard///password, 0x<seed>), SS58 address, or hex public key with --public; or a file holding one")
    .option("--public", "the URI is a hex-encoded public key", false)
    .configureOutput(output)
    .action((uri: string, opts: ParsedOptions, command: Command) => {
      run(command, () =>
        inspectKeyOutput(readUri(uri), { public: opts.public === true, network: opts.network, outputType: opts.outputType, password: opts.password }),
      );
    });

  const sessionKeys = commonOptions(new Command("session-keys"))
    .description("Print a validator's authoring and finality keys and their proofs of possession: the arguments of staking.validate")
    .argument("<uri>", "secret URI of the authoring key (the node's --authoring-key-file), or a file holding it")
    .requiredOption("--chain <id-or-path>", "the chain the keys are for: dev, local, or a chain spec JSON file (the proofs sign its genesis hash)")
    .option("--stash <address>", "the stash that submits staking.validate (default: the authoring key's own account)")
    .configureOutput(output)
    .action((uri: string, opts: ParsedOptions, command: Command) => {
      run(command, () => {
        const genesisHash = buildGenesisBlock(selectChainSpec({ chain: opts.chain })).hash;
        const stash = opts.stash === undefined ? undefined : decodeAddress(opts.stash);
        return sessionKeysOutput(readUri(uri), { stash, genesisHash, network: opts.network, outputType: opts.outputType, password: opts.password });
      });
    });

  const insert = keystoreOptions(new Command("insert"))
    .description("Store a key in the node's keystore (one file, mode 600): the secret URI from --suri-file, $" + SURI_ENV + ", standard input, or --suri")
    .requiredOption("--key-type <type>", "aura (ed25519 authoring key) or gran (BLS finality key, derived from the seed the URI names)", parseKeyType)
    .option("--suri <suri>", "the secret URI; - reads standard input. On the command line any local user sees it: prefer --suri-file or $" + SURI_ENV)
    .option("--suri-file <path>", "a file (mode 600) holding the secret URI")
    .configureOutput(output)
    .action((opts: ParsedOptions, command: Command) => {
      run(command, () => {
        const suri = readSecret({ what: "secret URI", value: { flag: "--suri", text: opts.suri }, file: { flag: "--suri-file", path: opts.suriFile }, envName: SURI_ENV, env: process.env, stdinFallback: true });
        return insertKeyOutput(keystoreFor(opts).keystore, opts.keyType as KeyType, suri);
      });
    });

  const generateSessionKeys = keystoreOptions(new Command("generate-session-keys"))
    .description("Generate new session keys (aura, gran) into the node's keystore, offline, and print them as the blob staking.validate takes (author_rotateKeys' answer)")
    .option("--stash <address>", "the stash that will submit staking.validate: the blob then carries the proofs of possession for it")
    .addOption(new Option("-n, --network <network>", "network: SS58 prefix or name (default: substrate, 42)").argParser(parseNetwork))
    .addOption(new Option("--output-type <type>", "output format: text or json").argParser(oneOf("output-type", ["text", "json"])).default("text"))
    .configureOutput(output)
    .action((opts: ParsedOptions, command: Command) => {
      run(command, () => {
        const stash = opts.stash === undefined ? undefined : decodeAddress(opts.stash);
        const { keystore, genesisHash } = keystoreFor(opts);
        return generateSessionKeysOutput(keystore, { stash, genesisHash, outputType: opts.outputType, network: opts.network });
      });
    });

  return key.addCommand(generate).addCommand(inspect).addCommand(sessionKeys).addCommand(insert).addCommand(generateSessionKeys);
}
