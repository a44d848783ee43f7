import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual, toHex } from "../../../primitives/bytes.ts";
import { DEV_ACCOUNT_NAMES, devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { MemoryNodeStore } from "../../../primitives/trie/nodeStore.ts";
import { MerkleTrie } from "../../../primitives/trie/trie.ts";
import { buildGenesisBlock, toRawChainSpec } from "../../../genesis/build.ts";
import { ChainSpecError, loadChainSpecFile, validateChainSpec, type ChainSpec, type ChainSpecErrorType, type RuntimeGenesisConfig } from "../../../genesis/chainSpec.ts";
import { PRESETS, TREASURY_ACCOUNT } from "../../../genesis/presets.ts";
import { Authorities } from "../../../runtime/modules/aura/storage.ts";
import { TotalIssuance } from "../../../runtime/modules/balances/storage.ts";
import { getAccount } from "../../../runtime/modules/system/accounts.ts";
import { Config } from "../../../runtime/modules/system/storage.ts";
import { AKRE } from "../../utils/runtime.ts";

function genesisHash(spec: ChainSpec): string {
  return toHex(buildGenesisBlock(spec).hash);
}

function runtimeConfigOf(spec: ChainSpec): RuntimeGenesisConfig {
  return (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
}

/** A deep copy of the dev spec with one change applied to its runtime config. */
function devWith(change: (config: RuntimeGenesisConfig) => void): ChainSpec {
  const spec = JSON.parse(JSON.stringify(PRESETS.dev())) as ChainSpec;
  change(runtimeConfigOf(spec));
  return spec;
}

/** Asserts that `fn` throws a `ChainSpecError` INVALID for `field`, and returns it. */
function invalidField(fn: () => unknown, field: string): ChainSpecError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ChainSpecError, `expected ChainSpecError, got ${String(e)}`);
    const type = e.type as Extract<ChainSpecErrorType, { code: "INVALID" }>;
    assert.equal(type.code, "INVALID");
    assert.equal(type.field, field);
    return e;
  }
  assert.fail(`accepted; expected an error for ${field}`);
}

const runtimeConfigCases: Array<[string, string, (c: RuntimeGenesisConfig) => void]> = [
  ["no authorities", "aura.authorities", (c) => (c.aura.authorities = [])],
  ["no aura section", "aura", (c) => delete (c as Partial<RuntimeGenesisConfig>).aura],
  ["a bad authority address", "aura.authorities[0]", (c) => (c.aura.authorities = ["5NotAnAddress"])],
  ["an address with a bad checksum", "balances.balances[1][0]", (c) => (c.balances.balances[1][0] = otherLastChar(c.balances.balances[1][0]))],
  ["a short hex public key", "treasury.account", (c) => (c.treasury.account = "0x1234")],
  ["a negative amount", "balances.balances[0][1]", (c) => (c.balances.balances[0][1] = "-1")],
  ["an amount in exponent notation", "balances.balances[0][1]", (c) => (c.balances.balances[0][1] = "1e18")],
  ["a hex amount", "balances.balances[2][1]", (c) => (c.balances.balances[2][1] = "0x10")],
  ["an amount with a leading zero", "balances.existentialDeposit", (c) => (c.balances.existentialDeposit = "01")],
  ["a fractional amount", "transactionPayment.baseFee", (c) => (c.transactionPayment.baseFee = "1.5")],
  ["an amount as a JSON number", "transactionPayment.weightFeePerUnit", (c) => ((c.transactionPayment as Record<string, unknown>).weightFeePerUnit = 1000)],
  ["feeBurnPercent above 100", "transactionPayment.feeBurnPercent", (c) => (c.transactionPayment.feeBurnPercent = 101)],
  ["a negative feeBurnPercent", "transactionPayment.feeBurnPercent", (c) => (c.transactionPayment.feeBurnPercent = -1)],
  ["a fractional feeBurnPercent", "transactionPayment.feeBurnPercent", (c) => (c.transactionPayment.feeBurnPercent = 20.5)],
  ["a negative slot duration", "system.slotDurationMs", (c) => (c.system.slotDurationMs = -1)],
  // Slots are `floor(now / slotDurationMs)`: a zero duration cannot name any slot.
  ["a zero slot duration", "system.slotDurationMs", (c) => (c.system.slotDurationMs = 0)],
  // An account below the existential deposit could never pay a fee nor be reaped.
  ["an endowment below the existential deposit", "balances.balances[0][1]", (c) => (c.balances.balances[0][1] = "1")],
  ["a block limit as a string", "system.maxBlockBytes", (c) => ((c.system as Record<string, unknown>).maxBlockBytes = "5242880")],
];

const devSpecJson = (): Record<string, unknown> => JSON.parse(JSON.stringify(PRESETS.dev())) as Record<string, unknown>;
const documentCases: Array<[string, string, () => unknown]> = [
  ["not an object", "(root)", () => "dev"],
  ["no name", "name", () => ({ ...devSpecJson(), name: undefined })],
  ["an unknown chain type", "chainType", () => ({ ...devSpecJson(), chainType: "development" })],
  ["bootNodes not an array", "bootNodes", () => ({ ...devSpecJson(), bootNodes: "none" })],
  ["no properties", "properties", () => ({ ...devSpecJson(), properties: null })],
  ["a genesis neither raw nor runtimeGenesis", "genesis", () => ({ ...devSpecJson(), genesis: {} })],
  ["a raw genesis without top", "genesis.raw.top", () => ({ ...devSpecJson(), genesis: { raw: {} } })],
];

function otherLastChar(text: string): string {
  return text.slice(0, -1) + (text.endsWith("a") ? "b" : "a");
}

function nonHexRawSpec(): ChainSpec {
  return { ...toRawChainSpec(PRESETS.dev()), genesis: { raw: { top: { "0xzz": "0x00" }, childrenDefault: {} } } };
}

const alice = devKeypair("Alice").publicKey;

describe("genesis", () => {
  for (const [name, preset] of Object.entries(PRESETS)) {
    describe(`the ${name} preset`, () => {
      const spec = preset();
      const genesis = buildGenesisBlock(spec);
      const store = new MemoryNodeStore();
      store.putNodes(genesis.trieNodes);
      const trie = new MerkleTrie(genesis.header.stateRoot, store);

      it("builds a block 0 whose trie nodes hold every genesis entry", () => {
        assert.equal(genesis.header.number, 0);
        assert.ok(bytesEqual(genesis.header.parentHash, new Uint8Array(32)));
        assert.ok(genesis.state.length > 0);
        for (const { key, value } of genesis.state) assert.equal(toHex(trie.get(key) ?? new Uint8Array()), toHex(value ?? new Uint8Array()));
        assert.equal([...trie.entries()].length, genesis.state.length);
      });

      it("endows every dev account and the treasury, with total issuance equal to their sum", () => {
        const ed = BigInt(runtimeConfigOf(spec).balances.existentialDeposit);
        // Validators keep their bond reserved: free + reserved is the endowment.
        for (const n of DEV_ACCOUNT_NAMES) {
          const account = getAccount(trie, devKeypair(n).publicKey);
          assert.equal(account.free + account.reserved, 1_000_000n * AKRE);
        }
        assert.equal(getAccount(trie, TREASURY_ACCOUNT).free, ed);
        assert.equal(TotalIssuance.get(trie), 6_000_000n * AKRE + ed);
      });

      it("stores the runtime config of the spec", () => {
        const config = Config.get(trie);
        const tp = runtimeConfigOf(spec).transactionPayment;
        assert.equal(config.slotDurationMs, runtimeConfigOf(spec).system.slotDurationMs);
        assert.equal(config.baseFee, BigInt(tp.baseFee));
        assert.equal(config.feeBurnPercent, tp.feeBurnPercent);
        assert.equal(config.ss58Format, spec.properties.ss58Format);
        assert.ok(bytesEqual(config.treasury, TREASURY_ACCOUNT));
      });

      it("gives the same genesis hash from its raw form, from JSON, and when built again", () => {
        const hash = toHex(genesis.hash);
        const raw = toRawChainSpec(spec);
        assert.ok("raw" in raw.genesis);
        assert.equal(genesisHash(raw), hash);
        assert.equal(genesisHash(validateChainSpec(JSON.parse(JSON.stringify(spec)))), hash);
        assert.equal(genesisHash(validateChainSpec(JSON.parse(JSON.stringify(raw)))), hash);
        assert.equal(genesisHash(preset()), hash);
      });

      it("gives the same genesis hash whatever the order of the raw entries", () => {
        const raw = toRawChainSpec(spec);
        const top = (raw.genesis as { raw: { top: Record<string, string> } }).raw.top;
        const reversed = Object.fromEntries(Object.entries(top).reverse());
        assert.equal(genesisHash({ ...raw, genesis: { raw: { top: reversed, childrenDefault: {} } } }), toHex(genesis.hash));
      });
    });
  }

  it("dev has Alice as its only authority, local Alice, Bob, Charlie then Dave, and their genesis hashes differ", () => {
    const devState = buildGenesisBlock(PRESETS.dev());
    const localState = buildGenesisBlock(PRESETS.local());
    const authorities = (g: typeof devState): string[] => {
      const store = new MemoryNodeStore();
      store.putNodes(g.trieNodes);
      return Authorities.get(new MerkleTrie(g.header.stateRoot, store)).map(toHex);
    };
    assert.deepEqual(authorities(devState), [toHex(alice)]);
    assert.deepEqual(authorities(localState), ["Alice", "Bob", "Charlie", "Dave"].map((n) => toHex(devKeypair(n).publicKey)));
    assert.notEqual(toHex(devState.hash), toHex(localState.hash));
  });

  it("accepts 0x-hex public keys where it accepts SS58 addresses, with the same genesis", () => {
    const spec = devWith((c) => {
      c.aura.authorities = [toHex(alice)];
    });
    assert.equal(genesisHash(spec), genesisHash(PRESETS.dev()));
  });

  describe("rejects an invalid runtime config, naming the field", () => {
    for (const [what, field, change] of runtimeConfigCases) {
      it(what, () => invalidField(() => buildGenesisBlock(devWith(change)), field));
    }

    it("a feeBurnPercent of exactly 100 is valid", () => {
      assert.doesNotThrow(() => buildGenesisBlock(devWith((c) => (c.transactionPayment.feeBurnPercent = 100))));
    });
  });

  describe("rejects a malformed chain spec document, naming the field", () => {
    for (const [what, field, json] of documentCases) {
      it(what, () => invalidField(() => validateChainSpec(json()), field));
    }

    it("a raw genesis with a non-hex entry", () => {
      invalidField(() => buildGenesisBlock(nonHexRawSpec()), "genesis.raw.top");
    });
  });

  it("names the field in the error message too (the CLI prints only the message)", () => {
    const unnamed: string[] = [];
    // Whether each case is rejected at all is the business of its own test above.
    const check = (what: string, field: string, fn: () => unknown): void => {
      try {
        fn();
      } catch (e) {
        if (e instanceof ChainSpecError && !e.message.includes(field)) unnamed.push(`${what}: "${e.message}"`);
      }
    };
    for (const [what, field, change] of runtimeConfigCases) check(what, field, () => buildGenesisBlock(devWith(change)));
    for (const [what, field, json] of documentCases) check(what, field, () => validateChainSpec(json()));
    check("a raw genesis with a non-hex entry", "genesis.raw.top", () => buildGenesisBlock(nonHexRawSpec()));
    assert.deepEqual(unnamed, []);
  });

  describe("loadChainSpecFile", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "arkreen-spec-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("loads an exported spec with the same genesis hash", () => {
      const path = join(dir, "local.json");
      writeFileSync(path, JSON.stringify(toRawChainSpec(PRESETS.local()), null, 2));
      assert.equal(genesisHash(loadChainSpecFile(path)), genesisHash(PRESETS.local()));
    });

    it("reports a missing file or invalid JSON as UNREADABLE with the path", () => {
      const garbage = join(dir, "garbage.json");
      writeFileSync(garbage, "{ not json");
      for (const path of [join(dir, "missing.json"), garbage]) {
        assert.throws(
          () => loadChainSpecFile(path),
          (e: unknown) => e instanceof ChainSpecError && e.type.code === "UNREADABLE" && e.type.path === path && e.message.includes(path),
        );
      }
    });
  });
});
