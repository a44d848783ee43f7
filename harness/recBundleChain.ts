/**
 * REC proof bundles built in memory (light/recBundle.proto), for the proofs benchmark and the
 * verifier page's tests: a chain with a number of finality set changes (harness/lightChain.ts,
 * real BLS keys signing with blst), whose target state holds a certified REC, its slot list, its
 * issuer, the devices and their key histories, with each reading signed by its device's BLS key
 * as device firmware signs it. Records are encoded with light/'s codecs, which restate the
 * runtime's layouts (test/unit/light/recBundleFormat.test.ts checks that they agree). Nothing is
 * faked: only the blocks are not executed.
 */
import { blsKeypairFromSeed, blsSign } from "../primitives/blsKeys.ts";
import { concatBytes, u32ToBytes, utf8 } from "../primitives/bytes.ts";
import { blake2b256 } from "../primitives/hash.ts";
import {
  lightRecRecordCodec,
  recBundleCodec,
  recBundleKeys,
  recBundleStorageKeys,
  REC_BUNDLE_VERSION,
  type Checkpoint,
  type RecBundleReading,
} from "../light/index.ts";
import { lightDeviceKeyHistoryCodec, lightDeviceRecordCodec, lightReadingCodec, lightRecIssuerRecordCodec, lightRecSlotListCodec, REC_STATUS, type LightRecRecord, type LightRecSlot } from "../light/recBundle.ts";
import { chainWithSetChanges, checkpointOf, GENESIS_HASH, type TestSet } from "./lightChain.ts";

/** What a reading's device signs before the genesis hash and the encoded reading (runtime/modules/pog/types.ts `readingSigningRoot`). */
const READING_DOMAIN = utf8("arkreen/reading/v1");
const FIRST_INTERVAL = 1_000_000;
/** Devices register at block 1, readings are credited at block 2: before the first hand-over (block 10). */
const REGISTERED_AT = 1;
const CREDITED_AT = 2;

export interface RecBundleShape {
  /** Finality set changes between the checkpoint and the bundle's block. */
  setChanges: number;
  devices: number;
  /** Slots (hourly readings) of each device. */
  slotsPerDevice: number;
}

/** Sets of 4 equal-weight validators (the local testnet's shape), each change moving one seat. */
export function rotatingSets(changes: number): TestSet[] {
  return Array.from({ length: changes + 1 }, (_, k) => ({ setId: k, members: [k, k + 1, k + 2, k + 3].map((validator) => ({ validator, weight: 1n })) }));
}

/** An encoded REC bundle of REC 1 (certified, one device's or several devices' signed readings) and the checkpoint it verifies from. */
export function buildRecBundle(shape: RecBundleShape): { bundle: Uint8Array; checkpoint: Checkpoint } {
  const owner = blake2b256(utf8("bench-owner"));
  const issuer = blake2b256(utf8("bench-issuer"));
  const entries: Array<readonly [Uint8Array, Uint8Array]> = [];
  const slots: LightRecSlot[] = [];
  const readings: RecBundleReading[] = [];
  const deviceIds: number[] = [];
  for (let d = 0; d < shape.devices; d++) {
    const key = blsKeypairFromSeed(blake2b256(concatBytes(utf8("bench-device"), u32ToBytes(d))));
    const deviceId = d;
    deviceIds.push(deviceId);
    entries.push([recBundleKeys.device(deviceId), lightDeviceRecordCodec.encode({ owner, blsKey: key.publicKey, kind: 1, capacityW: 5_000, location: `cell-${d}`, status: 2, registrar: issuer, registeredAt: REGISTERED_AT })]);
    entries.push([recBundleKeys.keyHistory(deviceId), lightDeviceKeyHistoryCodec.encode({ keys: [{ key: key.publicKey, setAt: REGISTERED_AT }] })]);
    let cumulativeWh = 0;
    for (let i = 0; i < shape.slotsPerDevice; i++) {
      const energyWh = 500 + ((d * 31 + i * 17) % 900);
      cumulativeWh += energyWh;
      const interval = FIRST_INTERVAL + i;
      const reading = lightReadingCodec.encode({ deviceId, interval, cumulativeWh, energyWh, peakW: energyWh + 100 });
      slots.push({ deviceId, interval, energyWh, readingHash: blake2b256(reading), creditedBlock: CREDITED_AT });
      readings.push({ reading, signature: blsSign(key.secretKey, blake2b256(concatBytes(READING_DOMAIN, GENESIS_HASH, reading))) });
    }
  }
  const energyWh = slots.reduce((sum, s) => sum + s.energyWh, 0);
  const rec: LightRecRecord = { owner, status: REC_STATUS.Certified, energyWh, retiredWh: 0, fee: new Uint8Array(), createdAt: CREDITED_AT, parent: 0, origin: 0, issuer, serial: "AKRE-BENCH-0001", rejectReason: "", decidedAt: CREDITED_AT + 1 };
  entries.push([recBundleKeys.rec(1), lightRecRecordCodec.encode(rec)]);
  entries.push([recBundleKeys.slots(1), lightRecSlotListCodec.encode({ slots })]);
  entries.push([recBundleKeys.issuer(issuer), lightRecIssuerRecordCodec.encode({ name: "Bench Issuer" })]);
  const sets = rotatingSets(shape.setChanges);
  const { proof, target } = chainWithSetChanges(sets, entries);
  const stateProof = target.trie.prove(recBundleStorageKeys(1, rec, null, [], deviceIds));
  const bundle = recBundleCodec.encode({ version: REC_BUNDLE_VERSION, finalityProof: proof, header: target.encoded, recId: 1, stateProof, retirementIds: [], readings });
  return { bundle, checkpoint: checkpointOf(sets[0]) };
}
