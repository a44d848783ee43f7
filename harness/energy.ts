/**
 * Devices and their readings for tests: a device key with a meter that only moves forward (so
 * that the readings it produces pass the runtime's meter rules), signed readings in the JSON
 * form `pog_submitReading` takes, and the `devices.register` call countersigned by a registrar.
 */
import { toHex } from "../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../primitives/blsKeys.ts";
import type { Call } from "../primitives/codec/index.ts";
import type { Ed25519Keypair } from "../primitives/keys/ed25519.ts";
import { signRegistration } from "../runtime/modules/devices/signing.ts";
import { DeviceKind, registerArgsCodec } from "../runtime/modules/devices/types.ts";
import { readingSigningRoot, type Reading } from "../runtime/modules/pog/types.ts";

/** A reading as `pog_submitReading` takes it: the reading's fields plus a 0x-hex signature. */
export type ReadingJson = Reading & { signature: string };

export class TestDevice {
  readonly key: BlsKeypair;
  readonly deviceId: number;
  private cumulativeWh = 0;
  private lastInterval = -1;

  /** `seed` makes the BLS key (one byte repeated); `deviceId` is what registration assigned. */
  constructor(seed: number, deviceId: number) {
    this.key = blsKeypairFromSeed(new Uint8Array(32).fill(seed));
    this.deviceId = deviceId;
  }

  /** The next reading of the meter: `interval` after the last one, the meter grown by `energyWh`. */
  next(interval: number, energyWh: number, peakW = 1_000): Reading {
    if (interval <= this.lastInterval) throw new Error(`interval ${interval} is not after ${this.lastInterval}`);
    this.cumulativeWh += energyWh;
    this.lastInterval = interval;
    return { deviceId: this.deviceId, interval, cumulativeWh: this.cumulativeWh, energyWh, peakW };
  }

  sign(genesisHash: Uint8Array, reading: Reading): Uint8Array {
    return blsSign(this.key.secretKey, readingSigningRoot(genesisHash, reading));
  }

  json(genesisHash: Uint8Array, reading: Reading): ReadingJson {
    return { ...reading, signature: toHex(this.sign(genesisHash, reading)) };
  }
}

/** `devices.register` of a solar meter of `capacityW` for `owner`, countersigned by `registrar`. */
export function registerCall(genesisHash: Uint8Array, owner: Ed25519Keypair, device: BlsKeypair, registrar: Ed25519Keypair, capacityW = 5_000): Call {
  const args = signRegistration({ genesisHash, owner: owner.publicKey, device, kind: DeviceKind.SolarPv, capacityW, location: "u4pruyd", registrarSeed: registrar.secretSeed });
  return { module: "devices", method: "register", args: registerArgsCodec.encode(args) };
}
