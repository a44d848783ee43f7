import assert from "node:assert/strict";
import { bytesEqual, toHex } from "../../../../../primitives/bytes.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../../../primitives/keys/ss58.ts";
import { buildGenesisBlock, genesisStateReader } from "../../../../../genesis/build.ts";
import { ChainSpecError, type RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { findCall } from "../../../../../runtime/runtime.ts";
import { Registrars } from "../../../../../runtime/modules/devices/storage.ts";
import { addRegistrarArgsCodec } from "../../../../../runtime/modules/devices/types.ts";
import { auraPreDigest } from "../../../../../primitives/digest.ts";
import { DispatchError } from "../../../../../runtime/framework/errors.ts";
import type { CallDefinition } from "../../../../../runtime/framework/module.ts";
import { sudoCall } from "../../../../../runtime/modules/sudo/calls.ts";
import { Key } from "../../../../../runtime/modules/sudo/storage.ts";
import { setKeyArgsCodec, sudoArgsCodec } from "../../../../../runtime/modules/sudo/types.ts";
import { AKRE, expectApplied, TestChain, transferCall, type DecodedEvent } from "../../../../utils/runtime.ts";

const alice = devKeypair("Alice"); // the dev chain's sudo key
const bob = devKeypair("Bob");
const charlie = devKeypair("Charlie");

function addRegistrar(account: Uint8Array, name: string): Call {
  return { module: "devices", method: "addRegistrar", args: addRegistrarArgsCodec.encode({ account, name }) };
}

function sudo(inner: Call | null): Call {
  return { module: "sudo", method: "sudo", args: sudoArgsCodec.encode({ call: inner }) };
}

function setKey(newKey: Uint8Array): Call {
  return { module: "sudo", method: "setKey", args: setKeyArgsCodec.encode({ newKey }) };
}

function submit(chain: TestChain, signer: typeof alice, c: Call): { success: boolean; error?: string; module?: string; events: DecodedEvent[] } {
  const nonce = chain.account(signer.publicKey).nonce;
  const outcome = expectApplied(chain.produceBlock([chain.sign(signer, c, { nonce })]).results[0]);
  return { success: outcome.success, error: outcome.error?.type.code, module: outcome.error?.type.module, events: chain.events() };
}

function named(events: DecodedEvent[], module: string, name: string): DecodedEvent[] {
  return events.filter((e) => e.module === module && e.name === name);
}

describe("sudo", () => {
  it("the dev chain's sudo key is Alice", () => {
    assert.ok(bytesEqual(Key.get(new TestChain().state()), alice.publicKey));
  });

  it("dispatches the wrapped call as root: its effects and events, then Sudid Ok", () => {
    const chain = new TestChain();
    const r = submit(chain, alice, sudo(addRegistrar(charlie.publicKey, "Charlie Energy")));
    assert.equal(r.success, true, r.error);
    assert.deepEqual(Registrars.get(chain.state(), charlie.publicKey), { name: "Charlie Energy" });
    const names = r.events.filter((e) => e.module === "devices" || e.module === "sudo").map((e) => `${e.module}.${e.name}`);
    assert.deepEqual(names, ["devices.RegistrarAdded", "sudo.Sudid"]);
    assert.deepEqual(named(r.events, "sudo", "Sudid")[0].data, { call: "devices.addRegistrar", result: "Ok", module: null, error: null });
  });

  it("a failing wrapped call leaves no trace but the Sudid Err event; the sudo extrinsic itself succeeds", () => {
    const chain = new TestChain();
    const r = submit(chain, alice, sudo(addRegistrar(alice.publicKey, "duplicate")));
    assert.equal(r.success, true);
    assert.equal(named(r.events, "system", "ExtrinsicSuccess").length, 1);
    assert.deepEqual(named(r.events, "sudo", "Sudid")[0].data, { call: "devices.addRegistrar", result: "Err", module: "devices", error: "RegistrarExists" });
    assert.equal(named(r.events, "devices", "RegistrarAdded").length, 0);
    assert.deepEqual(Registrars.get(chain.state(), alice.publicKey), { name: "Dev registrar" });
  });

  it("rolls back a failing wrapped call's writes and events, keeping those before it", () => {
    const chain = new TestChain();
    const key = new Uint8Array(40).fill(3);
    const failing: CallDefinition<object> = {
      args: sudoArgsCodec,
      weight: () => 0n,
      dispatch: (ctx) => {
        ctx.state.set(key, Uint8Array.of(1));
        ctx.events.deposit("test", "Wrote", {});
        throw new DispatchError({ code: "Late", module: "test" });
      },
    };
    const ctx = chain.executive.initializeBlock(chain.state(), { number: 1, parentHash: chain.genesis.hash, digest: [auraPreDigest(1n)] });
    ctx.events.deposit("test", "Before", {});
    const call = sudoCall(() => failing);
    call.dispatch(ctx, { kind: "signed", who: alice.publicKey }, { call: { module: "test", method: "failing", args: new Uint8Array(0) } });
    assert.equal(ctx.state.get(key), undefined);
    assert.deepEqual(
      ctx.events.records.filter((e) => e.module !== "system").map((e) => `${e.module}.${e.name}`),
      ["test.Before", "sudo.Sudid"],
    );
  });

  it("root is not a signed account: a root transfer fails with BadOrigin and moves nothing", () => {
    const chain = new TestChain();
    const before = chain.account(bob.publicKey).free;
    const r = submit(chain, alice, sudo(transferCall(bob.publicKey, AKRE)));
    assert.deepEqual(named(r.events, "sudo", "Sudid")[0].data, { call: "balances.transfer", result: "Err", module: "system", error: "BadOrigin" });
    assert.equal(chain.account(bob.publicKey).free, before);
  });

  it("anyone but the sudo key gets RequireSudo, and the wrapped call does not run", () => {
    const chain = new TestChain();
    const r = submit(chain, bob, sudo(addRegistrar(charlie.publicKey, "Charlie Energy")));
    assert.deepEqual([r.success, r.module, r.error], [false, "sudo", "RequireSudo"]);
    assert.equal(Registrars.contains(chain.state(), charlie.publicKey), false);
    assert.equal(named(r.events, "sudo", "Sudid").length, 0);
  });

  it("rejects an unknown, missing, undecodable or nested sudo call", () => {
    const chain = new TestChain();
    assert.equal(submit(chain, alice, sudo({ module: "devices", method: "mint", args: new Uint8Array(0) })).error, "UnknownCall");
    assert.equal(submit(chain, alice, sudo(null)).error, "MalformedCall");
    assert.equal(submit(chain, alice, sudo({ module: "devices", method: "addRegistrar", args: Uint8Array.of(0xff, 0xff) })).error, "MalformedCall");
    assert.equal(submit(chain, alice, sudo(sudo(addRegistrar(charlie.publicKey, "x")))).error, "NestedSudo");
    assert.equal(Registrars.contains(chain.state(), charlie.publicKey), false);
  });

  it("weighs the wrapped call: sudo(call) costs its own overhead plus the call's weight", () => {
    const outer = findCall("sudo", "sudo")!;
    const inner = addRegistrar(charlie.publicKey, "x");
    const innerWeight = findCall("devices", "addRegistrar")!.weight(addRegistrarArgsCodec.decode(inner.args));
    const overhead = outer.weight(sudoArgsCodec.decode(sudo({ module: "devices", method: "nope", args: new Uint8Array(0) }).args));
    assert.ok(overhead > 0n);
    assert.equal(outer.weight(sudoArgsCodec.decode(sudo(inner).args)), overhead + innerWeight);
  });

  it("setKey hands root to a new key: KeyChanged; the old key loses it", () => {
    const chain = new TestChain();
    const r = submit(chain, alice, setKey(bob.publicKey));
    assert.equal(r.success, true, r.error);
    assert.deepEqual(named(r.events, "sudo", "KeyChanged")[0].data, { old: toHex(alice.publicKey), new: toHex(bob.publicKey) });
    assert.ok(bytesEqual(Key.get(chain.state()), bob.publicKey));
    assert.equal(submit(chain, alice, sudo(addRegistrar(charlie.publicKey, "x"))).error, "RequireSudo");
    assert.equal(submit(chain, alice, setKey(alice.publicKey)).error, "RequireSudo");
    assert.equal(submit(chain, bob, sudo(addRegistrar(charlie.publicKey, "x"))).success, true);
    assert.equal(Registrars.contains(chain.state(), charlie.publicKey), true);
    assert.equal(submit(chain, bob, setKey(new Uint8Array(31))).error, "InvalidAccount");
  });

  it("genesis needs a `sudo` section with a valid key, and the error names the field", () => {
    const build = (edit: (config: RuntimeGenesisConfig) => void) => {
      const spec = devChainSpec();
      edit((spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config);
      return () => buildGenesisBlock(spec);
    };
    assert.throws(
      build((c) => delete c.sudo),
      (e: unknown) => e instanceof ChainSpecError && e.type.code === "INVALID" && e.type.field === "sudo",
    );
    assert.throws(
      build((c) => (c.sudo = { key: "not an address" })),
      (e: unknown) => e instanceof ChainSpecError && e.type.code === "INVALID" && e.type.field === "sudo.key",
    );
    const other = build((c) => (c.sudo = { key: encodeAddress(charlie.publicKey) }))();
    assert.ok(bytesEqual(Key.get(genesisStateReader(other)), charlie.publicKey));
  });
});
