import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { activeSessionKeysAt, AUTHORING_KEY_ENV, selectValidatorKeys, ValidatorKeyError, type ValidatorKeyErrorType, type ValidatorKeyFlags, type ValidatorKeys } from "../../../cli/validatorKeys.ts";
import { Keystore, keyFileName } from "../../../cli/keystore.ts";
import { buildGenesisBlock, genesisStateReader } from "../../../genesis/build.ts";
import type { ChainSpec } from "../../../genesis/chainSpec.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { keypairFromSuri } from "../../../primitives/keys/suri.ts";
import { devFinalityKeypair, finalityKeypairFromAuthoringSeed } from "../../../runtime/modules/staking/keys.ts";

const SURI = "legal winner thank year wave sausage worth useful legal winner thank yellow//validator";

type ChainType = ChainSpec["chainType"];

interface Selected {
  keys: ValidatorKeys | null;
  warnings: string[];
}

async function select(flags: ValidatorKeyFlags, chainType: ChainType = "Live", env: NodeJS.ProcessEnv = {}): Promise<Selected> {
  const warnings: string[] = [];
  return { keys: await selectValidatorKeys(flags, chainType, { env, info: () => undefined, warn: (m) => warnings.push(m) }), warnings };
}

async function refused(flags: ValidatorKeyFlags, code: ValidatorKeyErrorType["code"], chainType: ChainType = "Live", env: NodeJS.ProcessEnv = {}): Promise<ValidatorKeyError> {
  let error: unknown;
  try {
    await select(flags, chainType, env);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ValidatorKeyError, `expected ValidatorKeyError ${code}, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

describe("validator keys (run flags)", async () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "arkreen-keys-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function keyFile(content: string, mode: number): string {
    const path = join(dir, "authoring-key");
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  }

  it("derives the finality key from the authoring key's secret, whatever the source", async () => {
    const authoring = keypairFromSuri(SURI);
    const expected = finalityKeypairFromAuthoringSeed(authoring.secretSeed);
    const sources: Array<[ValidatorKeyFlags, NodeJS.ProcessEnv]> = [
      [{ validator: true, authoringKeyFile: keyFile(SURI + "\n", 0o600) }, {}],
      [{ validator: true }, { [AUTHORING_KEY_ENV]: SURI }],
      [{ validator: true, authoringKey: SURI }, {}],
    ];
    for (const [flags, env] of sources) {
      const { keys } = await select(flags, "Live", env);
      assert.ok(keys !== null);
      assert.equal(toHex(keys.authoring.publicKey), toHex(authoring.publicKey));
      assert.equal(toHex(keys.finalitySecretKey), toHex(expected.secretKey));
      assert.equal(toHex(keys.finalityPublicKey), toHex(expected.publicKey));
    }
    assert.notEqual(toHex(expected.secretKey), toHex(authoring.secretSeed));
  });

  it("a node without any key follows; --validator without one refuses to start", async () => {
    assert.equal((await select({})).keys, null);
    const error = await refused({ validator: true }, "NO_AUTHORING_KEY");
    assert.match(error.message, /--authoring-key-file/);
  });

  it("refuses a key file that group or others may read or write, or that is not a file, never quoting the secret", async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      const error = await refused({ validator: true, authoringKeyFile: keyFile(SURI, mode) }, "KEY_FILE_TOO_OPEN");
      assert.equal(error.type.code === "KEY_FILE_TOO_OPEN" && error.type.mode, `0${mode.toString(8)}`);
      assert.match(error.message, /chmod 600/);
    }
    assert.ok((await select({ validator: true, authoringKeyFile: keyFile(SURI, 0o400) })).keys !== null, "owner read-only is fine");
    await refused({ validator: true, authoringKeyFile: dir }, "KEY_FILE_UNREADABLE");
    await refused({ validator: true, authoringKeyFile: join(dir, "missing") }, "KEY_FILE_UNREADABLE");
    await refused({ validator: true, authoringKeyFile: keyFile("\n", 0o600) }, "KEY_FILE_UNREADABLE");
    const bad = "not a phrase at all";
    await assert.rejects(select({ validator: true, authoringKeyFile: keyFile(bad, 0o600) }), (e: unknown) => e instanceof Error && !e.message.includes(bad));
  });

  it("warns that --authoring-key is visible to other users, and takes the environment variable out of the environment", async () => {
    assert.match((await select({ authoringKey: SURI })).warnings.join("\n"), /command line.*ps/);
    const env = { [AUTHORING_KEY_ENV]: SURI, OTHER: "kept" };
    const { keys, warnings } = await select({}, "Live", env);
    assert.ok(keys !== null);
    assert.deepEqual(warnings, []);
    assert.deepEqual(env, { OTHER: "kept" }, "child processes do not inherit the secret");
  });

  it("refuses two key sources at once", async () => {
    const error = await refused({ alice: true, authoringKey: SURI }, "CONFLICTING_KEY_SOURCES", "Local");
    assert.deepEqual(error.type.code === "CONFLICTING_KEY_SOURCES" && error.type.sources, ["--alice", "--authoring-key"]);
    await refused({ authoringKeyFile: keyFile(SURI, 0o600) }, "CONFLICTING_KEY_SOURCES", "Live", { [AUTHORING_KEY_ENV]: SURI });
  });

  it("refuses dev keys — the dev flags, any path from the dev phrase, a dev account's seed — unless the chain is Development or Local", async () => {
    const alice = devKeypair("Alice");
    const devSources: ValidatorKeyFlags[] = [
      { alice: true },
      { dev: true },
      { authoringKey: "//Alice" },
      { authoringKey: "//Alice//validator" },
      { authoringKey: "//anything" },
      { authoringKey: `bottom drive obey lake curtain smoke basket hold race lonely fit walk//Bob` },
      { authoringKey: toHex(alice.secretSeed) },
    ];
    for (const flags of devSources) {
      for (const chainType of ["Live", "Custom"] as const) {
        const error = await refused(flags, "DEV_KEY_REFUSED", chainType);
        assert.match(error.message, new RegExp(`refused on a ${chainType} chain`));
      }
      for (const chainType of ["Development", "Local"] as const) assert.ok((await select(flags, chainType)).keys !== null, `${JSON.stringify(flags)} on ${chainType}`);
    }
    assert.ok((await select({ authoringKey: SURI }, "Live")).keys !== null);
  });

  it("--alice … --ferdie on a dev or local chain vote with the dev finality key their genesis registers", async () => {
    const { keys } = await select({ bob: true }, "Local");
    assert.equal(keys?.source, "--bob");
    assert.equal(toHex(keys?.authoring.publicKey ?? new Uint8Array()), toHex(devKeypair("Bob").publicKey));
    assert.equal(toHex(keys?.finalityPublicKey ?? new Uint8Array()), toHex(devFinalityKeypair("Bob").publicKey));
    assert.equal((await select({ dev: true }, "Development")).keys?.source, "--dev");
  });

  it("--validator with rotated keys in the keystore keeps the ones the best state's sets hold until the new ones enter, and says which", async () => {
    // Alice's keys are in the local chain's genesis sets; author_rotateKeys then added newer ones, registered but not active yet.
    const ks = Keystore.open(join(dir, "ks"));
    const alice = { aura: ks.insert("aura", "//Alice"), gran: ks.insert("gran", "//Alice") };
    for (const [keyType, publicKey] of [["aura", alice.aura], ["gran", alice.gran]] as const) utimesSync(join(ks.path, keyFileName(keyType, publicKey)), new Date(0), new Date(1000));
    const rotated = ks.rotateSessionKeys();
    const genesisSets = activeSessionKeysAt(genesisStateReader(buildGenesisBlock(localChainSpec())));
    assert.ok(genesisSets.aura.some((k) => toHex(k) === toHex(alice.aura)) && genesisSets.gran.some((k) => toHex(k) === toHex(alice.gran)), "the local genesis sets hold Alice's keys");

    const chosen = async (activeKeys: () => Promise<{ aura: Uint8Array[]; gran: Uint8Array[] }>): Promise<{ keys: ValidatorKeys | null; infos: string[] }> => {
      const infos: string[] = [];
      const keys = await selectValidatorKeys({ validator: true }, "Local", { env: {}, info: (m) => infos.push(m), warn: assert.fail, keystore: () => ks, activeKeys });
      return { keys, infos };
    };
    const before = await chosen(async () => ({ aura: genesisSets.aura.slice(), gran: genesisSets.gran.slice() }));
    assert.equal(toHex(before.keys?.authoring.publicKey ?? new Uint8Array()), toHex(alice.aura), "authors with the active aura key");
    assert.equal(toHex(before.keys?.finalityPublicKey ?? new Uint8Array()), toHex(alice.gran), "votes with the active gran key");
    assert.deepEqual(before.infos, [
      `The keystore holds 2 aura keys: using the one in the current authority set, ${toHex(alice.aura)}`,
      `The keystore holds 2 gran keys: using the one in the current finality set, ${toHex(alice.gran)}`,
    ]);

    // Once the new keys are in the sets (or when neither is), the newest.
    const entered = await chosen(async () => ({ aura: [rotated.authoringKey], gran: [rotated.finalityKey] }));
    assert.equal(toHex(entered.keys?.authoring.publicKey ?? new Uint8Array()), toHex(rotated.authoringKey));
    assert.equal(toHex(entered.keys?.finalityPublicKey ?? new Uint8Array()), toHex(rotated.finalityKey));
    const neither = await chosen(async () => ({ aura: [], gran: [] }));
    assert.equal(toHex(neither.keys?.authoring.publicKey ?? new Uint8Array()), toHex(rotated.authoringKey));
    assert.match(neither.infos[0], /using the newest \(none is in the current authority set\)/);
  });
});
