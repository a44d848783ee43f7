import assert from "node:assert/strict";
import { createPrivateKey, sign as ed25519Sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { blake2b } from "@noble/hashes/blake2.js";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { devChainSpec } from "../../../genesis/presets.ts";
import { Executive, InvalidTransaction, OverlayState, system } from "../../../runtime/api.ts";

/**
 * docs/transactions.md's worked example, recomputed the way a third party would: protobufjs on the
 * `.proto` file, Node's ed25519 and blake2b — none of the node's encoding or signing code — then
 * accepted by the runtime at a block inside its mortality window.
 */
const root = fileURLToPath(new URL("../../../", import.meta.url));
const doc = readFileSync(`${root}docs/transactions.md`, "utf8");
const example = new Map(
  [...doc.matchAll(/^([a-z ]+):\s+(0x[0-9a-f]+)$/gm)].map(([, label, hex]) => [label.trim(), Buffer.from(hex.slice(2), "hex")]),
);
const value = (label: string): Buffer => {
  const v = example.get(label);
  assert.ok(v, `the worked example has "${label}"`);
  return v;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("docs/transactions.md: the worked example holds", () => {
  const proto = protobuf.loadSync(`${root}primitives/codec/arkreen.proto`);
  const call = { module: "balances", method: "transfer", args: value("args") };
  const mortality = { birth: 100, period: 64 };

  it("encodes the transfer's arguments: Bob's account and 1.5 AKRE as minimal big-endian bytes", () => {
    assert.equal(BigInt("0x" + hex(value("value"))), 1_500_000_000_000_000_000n);
    const args = proto.lookupType("BalancesTransfer").encode({ dest: value("bob account"), value: value("value") }).finish();
    assert.equal(hex(args), hex(value("args")));
  });

  it("builds the signing payload: the domain tag, then the ExtrinsicPayload (nonce 0 and the zero tip absent)", () => {
    const payload = proto.lookupType("ExtrinsicPayload").encode({ genesisHash: value("genesis hash"), mortality, call }).finish();
    assert.equal(hex(Buffer.concat([Buffer.from("arkreen/extrinsic/v1"), payload])), hex(value("signing payload")));
  });

  it("signs it with ed25519 and assembles the extrinsic and its blake2b-256 hash", () => {
    const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), value("alice secret seed")]);
    const signature = ed25519Sign(null, value("signing payload"), createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }));
    assert.equal(hex(signature), hex(value("signature")));
    const xt = proto.lookupType("SignedExtrinsic").encode({ signer: value("alice account"), signature, mortality, call }).finish();
    assert.equal(hex(xt), hex(value("extrinsic")));
    assert.equal(hex(blake2b(xt, { dkLen: 32 })), hex(value("extrinsic hash")));
  });

  it("is a valid transaction on the dev chain from block 100 to 163, and outdated outside", () => {
    const genesis = buildGenesisBlock(devChainSpec());
    assert.equal(hex(genesis.hash), hex(value("genesis hash")));
    const entries = new Map(genesis.state.map((c) => [hex(c.key), c.value ?? undefined]));
    const state = new OverlayState({ get: (key) => entries.get(hex(key)) });
    const executive = new Executive(genesis.hash);
    assert.equal(system.blockNumber(state), 0);
    const xt = value("extrinsic");
    assert.equal(hex(executive.validateTransaction(state, xt, 100).xt.signer), hex(value("alice account")));
    assert.equal(executive.validateTransaction(state, xt, 163).validUntil, 163);
    const outdated = (e: unknown): boolean => e instanceof InvalidTransaction && e.type.code === "OUTDATED";
    assert.throws(() => executive.validateTransaction(state, xt, 99), outdated);
    assert.throws(() => executive.validateTransaction(state, xt, 164), outdated);
  });
});
