import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUTHORING_KEY_ENV, selectValidatorKeys, ValidatorKeyError, type ValidatorKeyErrorType, type ValidatorKeyFlags } from "../../../cli/validatorKeys.ts";
import type { ChainSpec } from "../../../genesis/chainSpec.ts";
import { toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { keypairFromSuri } from "../../../primitives/keys/suri.ts";
import { devFinalityKeypair, finalityKeypairFromAuthoringSeed } from "../../../runtime/modules/staking/keys.ts";

const SURI = "legal winner thank year wave sausage worth useful legal winner thank yellow//validator";

type ChainType = ChainSpec["chainType"];

interface Selected {
  keys: ReturnType<typeof selectValidatorKeys>;
  warnings: string[];
}

function select(flags: ValidatorKeyFlags, chainType: ChainType = "Live", env: NodeJS.ProcessEnv = {}): Selected {
  const warnings: string[] = [];
  return { keys: selectValidatorKeys(flags, chainType, { env, warn: (m) => warnings.push(m) }), warnings };
}

function refused(flags: ValidatorKeyFlags, code: ValidatorKeyErrorType["code"], chainType: ChainType = "Live", env: NodeJS.ProcessEnv = {}): ValidatorKeyError {
  let error: unknown;
  try {
    select(flags, chainType, env);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ValidatorKeyError, `expected ValidatorKeyError ${code}, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

describe("validator keys (run flags)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "arkreen-keys-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function keyFile(content: string, mode: number): string {
    const path = join(dir, "authoring-key");
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  }

  it("derives the finality key from the authoring key's secret, whatever the source", () => {
    const authoring = keypairFromSuri(SURI);
    const expected = finalityKeypairFromAuthoringSeed(authoring.secretSeed);
    const sources: Array<[ValidatorKeyFlags, NodeJS.ProcessEnv]> = [
      [{ validator: true, authoringKeyFile: keyFile(SURI + "\n", 0o600) }, {}],
      [{ validator: true }, { [AUTHORING_KEY_ENV]: SURI }],
      [{ validator: true, authoringKey: SURI }, {}],
    ];
    for (const [flags, env] of sources) {
      const { keys } = select(flags, "Live", env);
      assert.ok(keys !== null);
      assert.equal(toHex(keys.authoring.publicKey), toHex(authoring.publicKey));
      assert.equal(toHex(keys.finalitySecretKey), toHex(expected.secretKey));
      assert.equal(toHex(keys.finalityPublicKey), toHex(expected.publicKey));
    }
    assert.notEqual(toHex(expected.secretKey), toHex(authoring.secretSeed));
  });

  it("a node without any key follows; --validator without one refuses to start", () => {
    assert.equal(select({}).keys, null);
    const error = refused({ validator: true }, "NO_AUTHORING_KEY");
    assert.match(error.message, /--authoring-key-file/);
  });

  it("refuses a key file that group or others may read or write, or that is not a file, never quoting the secret", () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      const error = refused({ validator: true, authoringKeyFile: keyFile(SURI, mode) }, "KEY_FILE_TOO_OPEN");
      assert.equal(error.type.code === "KEY_FILE_TOO_OPEN" && error.type.mode, `0${mode.toString(8)}`);
      assert.match(error.message, /chmod 600/);
    }
    assert.ok(select({ validator: true, authoringKeyFile: keyFile(SURI, 0o400) }).keys !== null, "owner read-only is fine");
    refused({ validator: true, authoringKeyFile: dir }, "KEY_FILE_UNREADABLE");
    refused({ validator: true, authoringKeyFile: join(dir, "missing") }, "KEY_FILE_UNREADABLE");
    refused({ validator: true, authoringKeyFile: keyFile("\n", 0o600) }, "KEY_FILE_UNREADABLE");
    const bad = "not a phrase at all";
    assert.throws(() => select({ validator: true, authoringKeyFile: keyFile(bad, 0o600) }), (e: unknown) => e instanceof Error && !e.message.includes(bad));
  });

  it("warns that --authoring-key is visible to other users, and takes the environment variable out of the environment", () => {
    assert.match(select({ authoringKey: SURI }).warnings.join("\n"), /command line.*ps/);
    const env = { [AUTHORING_KEY_ENV]: SURI, OTHER: "kept" };
    const { keys, warnings } = select({}, "Live", env);
    assert.ok(keys !== null);
    assert.deepEqual(warnings, []);
    assert.deepEqual(env, { OTHER: "kept" }, "child processes do not inherit the secret");
  });

  it("refuses two key sources at once", () => {
    const error = refused({ alice: true, authoringKey: SURI }, "CONFLICTING_KEY_SOURCES", "Local");
    assert.deepEqual(error.type.code === "CONFLICTING_KEY_SOURCES" && error.type.sources, ["--alice", "--authoring-key"]);
    refused({ authoringKeyFile: keyFile(SURI, 0o600) }, "CONFLICTING_KEY_SOURCES", "Live", { [AUTHORING_KEY_ENV]: SURI });
  });

  it("refuses dev keys — the dev flags, any path from the dev phrase, a dev account's seed — unless the chain is Development or Local", () => {
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
        const error = refused(flags, "DEV_KEY_REFUSED", chainType);
        assert.match(error.message, new RegExp(`refused on a ${chainType} chain`));
      }
      for (const chainType of ["Development", "Local"] as const) assert.ok(select(flags, chainType).keys !== null, `${JSON.stringify(flags)} on ${chainType}`);
    }
    assert.ok(select({ authoringKey: SURI }, "Live").keys !== null);
  });

  it("--alice … --ferdie on a dev or local chain vote with the dev finality key their genesis registers", () => {
    const { keys } = select({ bob: true }, "Local");
    assert.equal(keys?.source, "--bob");
    assert.equal(toHex(keys?.authoring.publicKey ?? new Uint8Array()), toHex(devKeypair("Bob").publicKey));
    assert.equal(toHex(keys?.finalityPublicKey ?? new Uint8Array()), toHex(devFinalityKeypair("Bob").publicKey));
    assert.equal(select({ dev: true }, "Development").keys?.source, "--dev");
  });
});
