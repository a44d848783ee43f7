import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeSessionKeys, encodeSessionKeys, Keystore, KeystoreError, keyFileName, validateArgsFromSessionKeys } from "../../../cli/keystore.ts";
import { selectValidatorKeys, ValidatorKeyError } from "../../../cli/validatorKeys.ts";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { keypairFromSuri } from "../../../primitives/keys/suri.ts";
import { finalityKeypairFromAuthoringSeed, verifyAuthoringPop, verifyFinalityPop } from "../../../runtime/modules/staking/keys.ts";

const PHRASE = "legal winner thank year wave sausage worth useful legal winner thank yellow";
const SURI = `${PHRASE}//validator//1`;
const GENESIS = new Uint8Array(32).fill(7);

describe("cli keystore", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "arkreen-keystore-test-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lays keys out as Substrate does: 0700 directory, one 0600 file per key named type hex ++ public key hex, holding the URI", () => {
    const path = join(dir, "chains", "local", "keystore");
    const ks = Keystore.open(path);
    assert.equal(statSync(path).mode & 0o777, 0o700);
    const aura = ks.insert("aura", SURI);
    const gran = ks.insert("gran", SURI);
    const ed = keypairFromSuri(SURI);
    assert.deepEqual(aura, ed.publicKey);
    // the gran key is the BLS key derived from the seed the URI names: the pair --authoring-key-file gives
    assert.deepEqual(gran, finalityKeypairFromAuthoringSeed(ed.secretSeed).publicKey);
    assert.deepEqual(readdirSync(path).sort(), [`61757261${toHex(aura).slice(2)}`, `6772616e${toHex(gran).slice(2)}`]);
    assert.equal(keyFileName("aura", aura), `61757261${toHex(aura).slice(2)}`);
    for (const name of readdirSync(path)) {
      assert.equal(statSync(join(path, name)).mode & 0o777, 0o600, name);
      assert.equal(readFileSync(join(path, name), "utf8"), JSON.stringify(SURI));
    }
    assert.ok(ks.hasKey(aura, "aura") && ks.hasKey(gran, "gran"));
    assert.ok(!ks.hasKey(aura, "gran") && !ks.hasKey(new Uint8Array(32), "aura"));
    assert.ok(ks.hasSessionKeys(encodeSessionKeys({ authoringKey: aura, finalityKey: gran })));
    assert.ok(!ks.hasSessionKeys(new Uint8Array(80)) && !ks.hasSessionKeys(new Uint8Array(3)));
    assert.deepEqual(ks.load("aura", aura).secretKey, ed.secretSeed);
  });

  it("rotates into two independent keys and proves them for a stash, as staking.validate checks", () => {
    const ks = Keystore.open(join(dir, "ks"));
    const keys = ks.rotateSessionKeys();
    const stash = devKeypair("Eve").publicKey;
    const proof = ks.proveSessionKeys(keys, stash, GENESIS);
    const args = validateArgsFromSessionKeys(new Uint8Array([...encodeSessionKeys(keys), ...proof]));
    assert.equal(args.authoringKey, toHex(keys.authoringKey));
    assert.ok(verifyAuthoringPop(GENESIS, stash, keys.authoringKey, fromHex(args.authoringKeyProof)));
    assert.ok(verifyFinalityPop(GENESIS, stash, keys.finalityKey, fromHex(args.finalityKeyProof)));
    assert.ok(!verifyFinalityPop(GENESIS, devKeypair("Ferdie").publicKey, keys.finalityKey, fromHex(args.finalityKeyProof)));
    assert.ok(ks.hasSessionKeys(encodeSessionKeys(keys)));
    // two fresh seeds: the gran key is not the one derived from the aura seed
    const auraSeed = ks.load("aura", keys.authoringKey).secretKey;
    assert.notDeepEqual(finalityKeypairFromAuthoringSeed(auraSeed).publicKey, keys.finalityKey);
    assert.throws(() => validateArgsFromSessionKeys(encodeSessionKeys(keys)), /carry no proofs of possession/);
    assert.throws(() => decodeSessionKeys(new Uint8Array(81)), /session keys are 80 bytes/);
  });

  it("refuses a key file or a keystore others may read, a file holding another key, and a URI that does not name the key", () => {
    const path = join(dir, "ks");
    const ks = Keystore.open(path);
    const aura = ks.insert("aura", SURI);
    const file = join(path, keyFileName("aura", aura));
    chmodSync(file, 0o640);
    assert.throws(() => ks.load("aura", aura), (e: unknown) => e instanceof KeystoreError && e.code === "PERMISSIONS_TOO_OPEN" && /permissions 0640 .* too open.*chmod 600/.test(e.message) && !e.message.includes(PHRASE));
    chmodSync(file, 0o600);
    writeFileSync(file, JSON.stringify("//Bob"));
    assert.throws(() => ks.load("aura", aura), /holds the secret of another key/);
    assert.throws(() => ks.insert("aura", SURI, devKeypair("Bob").publicKey), (e: unknown) => e instanceof KeystoreError && e.code === "PUBLIC_KEY_MISMATCH" && !e.message.includes(PHRASE));
    chmodSync(path, 0o755);
    assert.throws(() => Keystore.open(path), /permissions 0755 for the keystore .*chmod 700/);
  });

  it("--validator takes the newest session keys from the keystore; without them it warns and follows", async () => {
    const ks = Keystore.open(join(dir, "ks"));
    const warnings: string[] = [];
    const deps = { env: {}, info: () => undefined, warn: (m: string) => warnings.push(m), keystore: () => ks };
    assert.equal(await selectValidatorKeys({ validator: true }, "Live", deps), null);
    assert.match(warnings.join("\n"), /no aura \(authoring\) and gran \(finality\) session key in .*follows the chain without authoring or voting/);
    const keys = ks.rotateSessionKeys();
    const selected = await selectValidatorKeys({ validator: true }, "Live", deps);
    assert.ok(selected);
    assert.deepEqual(selected.authoring.publicKey, keys.authoringKey);
    assert.deepEqual(selected.finalityPublicKey, keys.finalityKey);
    assert.match(selected.source, /^the keystore /);
    // a node that is not a validator never reads it
    assert.equal(await selectValidatorKeys({}, "Live", deps), null);
    // dev keys in the keystore are refused on a Live chain as the dev flags are
    const devStore = Keystore.open(join(dir, "dev"));
    devStore.insert("aura", "//Alice");
    devStore.insert("gran", "//Alice");
    await assert.rejects(selectValidatorKeys({ validator: true }, "Live", { ...deps, keystore: () => devStore }), (e: unknown) => e instanceof ValidatorKeyError && e.code === "DEV_KEY_REFUSED");
    assert.ok(await selectValidatorKeys({ validator: true }, "Local", { ...deps, keystore: () => devStore }));
  });
});
