import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { CommanderError } from "commander";
import { inspectKeyOutput, keyCommand } from "../../../../cli/commands/key.ts";
import { callArgsFromJson } from "../../../../cli/callArgs.ts";
import { localChainSpec } from "../../../../genesis/presets.ts";
import { decodeSs58, encodeAddress } from "../../../../primitives/keys/ss58.ts";
import { keypairFromSuri } from "../../../../primitives/keys/suri.ts";
import { bigintToBytes, toHex } from "../../../../primitives/bytes.ts";
import { finalityKeypairFromAuthoringSeed } from "../../../../runtime/modules/staking/keys.ts";
import { Candidates } from "../../../../runtime/modules/staking/storage.ts";
import { amountArgsCodec, validateArgsCodec } from "../../../../runtime/modules/staking/types.ts";
import { AKRE, expectApplied, publicKeyOf, TestChain } from "../../../utils/runtime.ts";

const ALICE_TEXT = [
  "Secret Key URI `//Alice` is account:",
  "  Network ID:        substrate",
  "  Secret seed:       0xabf8e5bdbe30c65656c0a3cbd181ff8a56294a69dfedd27982aace4a76909115",
  "  Public key (hex):  0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee",
  "  Account ID:        0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee",
  "  Public key (SS58): 5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu",
  "  SS58 Address:      5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu",
].join("\n");

interface Run {
  out: string;
  err: string;
  exitCode: number;
}

/** Runs `key <args>` in-process, capturing stdout and stderr; commander's exits become the exit code. */
async function runKey(...args: string[]): Promise<Run> {
  const run: Run = { out: "", err: "", exitCode: 0 };
  const command = keyCommand({ out: (text) => (run.out += text), err: (text) => (run.err += text) });
  const overrideExit = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(overrideExit);
  };
  overrideExit(command);
  try {
    await command.parseAsync(args, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    run.exitCode = error.exitCode;
  }
  return run;
}

describe("arkreen-node key", () => {
  it("inspectKeyOutput('//Alice') prints Substrate's layout", () => {
    assert.equal(inspectKeyOutput("//Alice", { public: false, outputType: "text" }), ALICE_TEXT);
  });

  describe("inspect", () => {
    it("prints //Alice exactly as subkey does", async () => {
      const run = await runKey("inspect", "//Alice");
      assert.equal(run.exitCode, 0);
      assert.equal(run.out, ALICE_TEXT + "\n");
      assert.equal(run.err, "");
    });

    it("prints sorted-key JSON with --output-type json", async () => {
      const run = await runKey("inspect", "//Bob", "--output-type", "json");
      const json = JSON.parse(run.out) as Record<string, string>;
      assert.deepEqual(Object.keys(json), ["accountId", "networkId", "publicKey", "secretKeyUri", "secretSeed", "ss58Address", "ss58PublicKey"]);
      assert.equal(json.publicKey, "0xd17c2d7823ebf260fd138f2d7e27d114c0145d968b5ff5006125f2414fadae69");
      assert.equal(json.secretKeyUri, "//Bob");
      assert.equal(json.networkId, "substrate");
    });

    it("shows a bare mnemonic as a secret phrase", async () => {
      const phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow";
      const run = await runKey("inspect", phrase);
      const lines = run.out.split("\n");
      assert.equal(lines[0], `Secret phrase:       ${phrase}`);
      assert.equal(lines[3], `  Public key (hex):  ${toHex(keypairFromSuri(phrase).publicKey)}`);
    });

    it("applies --network (name or number) and --password", async () => {
      const polkadot = await runKey("inspect", "//Alice", "--network", "polkadot");
      assert.match(polkadot.out, /Network ID: {8}polkadot\n/);
      const address = /SS58 Address: {6}(\S+)/.exec(polkadot.out)?.[1] ?? "";
      assert.equal(decodeSs58(address).prefix, 0);
      const custom = await runKey("inspect", "//Alice", "-n", "7777");
      assert.match(custom.out, /Network ID: {8}7777\n/);
      const salted = await runKey("inspect", "//Alice", "--password", "pw");
      assert.match(salted.out, new RegExp(`Public key \\(hex\\):  ${toHex(keypairFromSuri("//Alice///pw").publicKey)}`));
    });

    it("inspects an SS58 address as a public key URI, keeping its network", async () => {
      const run = await runKey("inspect", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5");
      assert.equal(
        run.out,
        [
          "Public Key URI `15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5` is account:",
          "  Network ID/Version: polkadot",
          "  Public key (hex):   0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
          "  Account ID:         0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
          "  Public key (SS58):  15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5",
          "  SS58 Address:       15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5",
          "",
        ].join("\n"),
      );
    });

    it("inspects a hex public key with --public", async () => {
      const run = await runKey("inspect", "--public", "0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee");
      assert.equal(run.out.split("\n")[0], "Network ID/Version: substrate");
      assert.match(run.out, /SS58 Address: {7}5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu\n/);
    });

    it("reads the URI from a file when the argument names one", async () => {
      const dir = mkdtempSync(join(tmpdir(), "arkreen-key-"));
      try {
        const file = join(dir, "suri");
        writeFileSync(file, "//Alice\n");
        const run = await runKey("inspect", file);
        assert.equal(run.out, ALICE_TEXT + "\n");
      } finally {
        rmSync(dir, { recursive: true });
      }
    });

    it("fails with one line and a non-zero exit on a bad URI, a soft junction or another scheme", async () => {
      for (const args of [["inspect", "not a valid phrase"], ["inspect", "//Alice/soft"], ["inspect", "//Alice", "--scheme", "sr25519"], ["inspect", "--public", "0x1234"]]) {
        const run = await runKey(...args);
        assert.equal(run.exitCode, 1, args.join(" "));
        assert.equal(run.out, "");
        assert.equal(run.err.trimEnd().split("\n").length, 1, run.err);
      }
      const soft = await runKey("inspect", "//Alice/soft");
      assert.match(soft.err, /soft derivation/);
      const scheme = await runKey("inspect", "//Alice", "--scheme", "sr25519");
      assert.match(scheme.err, /only ed25519/);
    });

    it("accepts --scheme ed25519 in any case", async () => {
      const run = await runKey("inspect", "//Alice", "--scheme", "Ed25519");
      assert.equal(run.out, ALICE_TEXT + "\n");
    });
  });

  describe("generate", () => {
    it("prints a fresh phrase whose account inspect agrees with", async () => {
      const run = await runKey("generate");
      const phrase = /^Secret phrase: {7}(.+)$/m.exec(run.out)?.[1] ?? "";
      assert.equal(phrase.split(" ").length, 12);
      assert.equal(run.out, inspectKeyOutput(phrase, { public: false, outputType: "text" }) + "\n");
      const again = await runKey("generate");
      assert.notEqual(again.out, run.out);
    });

    it("honours --words 24, --network and JSON output", async () => {
      const run = await runKey("generate", "--words", "24", "--network", "kusama", "--output-type", "json");
      const json = JSON.parse(run.out) as Record<string, string>;
      assert.equal(json.secretPhrase.split(" ").length, 24);
      assert.equal(json.networkId, "kusama");
      assert.equal(decodeSs58(json.ss58Address).prefix, 2);
      assert.equal(json.publicKey, toHex(keypairFromSuri(json.secretPhrase).publicKey));
    });

    it("rejects word counts BIP39 does not define and unknown networks", async () => {
      assert.equal((await runKey("generate", "--words", "13")).exitCode, 1);
      assert.equal((await runKey("generate", "--network", "46")).exitCode, 1);
      assert.equal((await runKey("generate", "--network", "atlantis")).exitCode, 1);
    });
  });

  describe("session-keys", () => {
    it("prints the keys and proofs a stash's staking.validate needs, and the chain accepts them", async () => {
      const suri = "//Eve//validator";
      const eve = publicKeyOf("Eve");
      const run = await runKey("session-keys", suri, "--chain", "local", "--stash", encodeAddress(eve), "--output-type", "json");
      assert.equal(run.exitCode, 0, run.err);
      const json = JSON.parse(run.out) as Record<string, string>;
      assert.deepEqual(Object.keys(json), ["authoringKey", "authoringKeyProof", "finalityKey", "finalityKeyProof"]);
      const authoring = keypairFromSuri(suri);
      assert.equal(json.authoringKey, toHex(authoring.publicKey));
      assert.equal(json.finalityKey, toHex(finalityKeypairFromAuthoringSeed(authoring.secretSeed).publicKey), "the finality key the node derives");
      assert.ok(!run.out.includes(suri) && !run.out.includes(toHex(authoring.secretSeed)), "nothing secret printed");

      // What `tx staking.validate --signer <Eve> --args <that JSON>` submits.
      const chain = new TestChain(localChainSpec());
      const args = validateArgsCodec.type.encode(callArgsFromJson(validateArgsCodec.type, json)).finish();
      const calls = [
        { module: "staking", method: "bond", args: amountArgsCodec.encode({ value: bigintToBytes(20_000n * AKRE) }) },
        { module: "staking", method: "validate", args },
      ];
      const results = chain.produceBlock(calls.map((call, nonce) => chain.sign("Eve", call, { nonce }))).results.map(expectApplied);
      assert.deepEqual(results.map((r) => r.error?.type ?? "ok"), ["ok", "ok"]);
      assert.equal(toHex(Candidates.get(chain.state(), eve)?.authoringKey ?? new Uint8Array()), json.authoringKey);
    });

    it("prints text without the URI, defaults the stash to the key's own account, and needs --chain", async () => {
      const run = await runKey("session-keys", "//Bob", "--chain", "dev");
      assert.equal(run.exitCode, 0, run.err);
      const lines = run.out.trimEnd().split("\n");
      assert.match(lines[0], new RegExp(`^Session keys for stash ${encodeAddress(publicKeyOf("Bob"))} on the chain with genesis 0x[0-9a-f]{64}:$`));
      assert.deepEqual(lines.slice(1).map((l) => l.split(":")[0].trim()), ["Authoring key", "Authoring key proof", "Finality key", "Finality key proof"]);
      assert.ok(!run.out.includes("//Bob"));
      assert.equal((await runKey("session-keys", "//Bob")).exitCode, 1);
    });
  });
});
