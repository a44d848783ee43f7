import assert from "node:assert/strict";
import { toHex } from "../../../../../primitives/bytes.ts";
import { blsSign, blsVerify } from "../../../../../primitives/blsKeys.ts";
import type { Call } from "../../../../../primitives/codec/index.ts";
import { devKeypair } from "../../../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../../../primitives/keys/ss58.ts";
import { buildGenesisBlock } from "../../../../../genesis/build.ts";
import { ChainSpecError, type ChainSpec, type RuntimeGenesisConfig } from "../../../../../genesis/chainSpec.ts";
import { devChainSpec } from "../../../../../genesis/presets.ts";
import { signRegistration } from "../../../../../runtime/modules/devices/index.ts";
import { generatedDeviceKeypair, generatedDevicePublicKeys } from "../../../../../runtime/modules/devices/generatedKeys.ts";
import { MAX_GENERATED_DEVICES } from "../../../../../runtime/modules/devices/genesis.ts";
import { DeviceIdByKey, Devices, DevicesByOwner, NextDeviceId } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, deviceRecordCodec, registerArgsCodec } from "../../../../../runtime/modules/devices/types.ts";
import { expectApplied, TestChain } from "../../../../utils/runtime.ts";

const alice = devKeypair("Alice"); // the dev registrar
const bob = devKeypair("Bob"); // the owner
const SEED = new Uint8Array(32).fill(7);
const ATTRS = { kind: DeviceKind.Wind, capacityW: 7_500, location: "u4pruydq" };

function specWith(generated: Record<string, unknown>): ChainSpec {
  const spec = devChainSpec();
  const config = (spec.genesis as { runtimeGenesis: { config: RuntimeGenesisConfig } }).runtimeGenesis.config;
  (config.devices as Record<string, unknown>).generated = generated;
  return spec;
}

function generated(count: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { count, seed: toHex(SEED), owner: encodeAddress(bob.publicKey, 42), registrar: encodeAddress(alice.publicKey, 42), ...ATTRS, ...over };
}

/** Every devices-module entry of a state (records with `registeredAt` set to 0), as hex. */
function devicesState(chain: TestChain): Record<string, string> {
  const state = chain.state();
  const out: Record<string, string> = {};
  for (const [key, value] of state.entries(Devices.prefix)) out[toHex(key)] = toHex(deviceRecordCodec.encode({ ...Devices.decodeValue(value), registeredAt: 0 }));
  for (const prefix of [DeviceIdByKey.prefix, DevicesByOwner.prefix]) for (const [key, value] of state.entries(prefix)) out[toHex(key)] = toHex(value);
  out.next = String(NextDeviceId.get(state));
  return out;
}

describe("devices genesis: generated devices", () => {
  it("writes what registering the same devices by calls writes (records registered at block 0)", () => {
    const count = 5;
    const atGenesis = new TestChain(specWith(generated(count)));
    const byCalls = new TestChain();
    for (let i = 0; i < count; i++) {
      const args = signRegistration({ genesisHash: byCalls.genesis.hash, owner: bob.publicKey, device: generatedDeviceKeypair(SEED, i), ...ATTRS, registrarSeed: alice.secretSeed });
      const call: Call = { module: "devices", method: "register", args: registerArgsCodec.encode(args) };
      const nonce = byCalls.account(bob.publicKey).nonce;
      const outcome = expectApplied(byCalls.produceBlock([byCalls.sign(bob, call, { nonce })]).results[0]);
      assert.equal(outcome.success, true, outcome.error?.message);
    }
    assert.deepEqual(devicesState(atGenesis), devicesState(byCalls));
    assert.equal(Devices.get(atGenesis.state(), 0)?.registeredAt, 0);
  });

  it("derives keys by point addition that match the keypairs of sk_0 + i, and sign", () => {
    const keys = [...generatedDevicePublicKeys(SEED, 4)];
    assert.equal(new Set(keys.map(toHex)).size, 4);
    keys.forEach((pk, i) => assert.equal(toHex(pk), toHex(generatedDeviceKeypair(SEED, i).publicKey), `device ${i}`));
    const pair = generatedDeviceKeypair(SEED, 3);
    const message = new Uint8Array(32).fill(1);
    assert.ok(blsVerify(keys[3], message, blsSign(pair.secretKey, message)));
  });

  it("refuses a section with an unknown registrar, a bad seed, kind, capacity or location, or too many devices, naming the field", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ registrar: encodeAddress(bob.publicKey, 42) }, "devices.generated.registrar"],
      [{ seed: "0x1234" }, "devices.generated.seed"],
      [{ kind: 99 }, "devices.generated.kind"],
      [{ capacityW: 0 }, "devices.generated.capacityW"],
      [{ location: "aaaa" }, "devices.generated.location"],
      [{ count: MAX_GENERATED_DEVICES + 1 }, "devices.generated.count"],
    ];
    for (const [over, field] of cases) {
      assert.throws(
        () => buildGenesisBlock(specWith(generated(2, over))),
        (e: unknown) => e instanceof ChainSpecError && e.type.code === "INVALID" && e.type.field === field,
        field,
      );
    }
  });
});
