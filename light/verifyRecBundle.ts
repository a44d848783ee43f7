import { bytesEqual, concatBytes, toHex, utf8 } from "../primitives/bytes.ts";
import { codecs, type Header, type MessageCodec } from "../primitives/codec/index.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { TrieProofError } from "../primitives/trie/errors.ts";
import { verifyProofs } from "../primitives/trie/proof.ts";
import { fastAggregateVerify, verifyMultiple, type PublicKeyCache, type SignatureSet } from "./bls.ts";
import type { Checkpoint } from "./codec.ts";
import { LightVerifyError } from "./errors.ts";
import {
  DEVICE_KIND_NAME,
  DEVICE_STATUS_NAME,
  lightDeviceKeyHistoryCodec,
  lightDeviceRecordCodec,
  lightReadingCodec,
  lightRecIssuerRecordCodec,
  lightRecRecordCodec,
  lightRecRetirementRecordCodec,
  lightRecSlotListCodec,
  REC_BUNDLE_VERSION,
  REC_STATUS,
  REC_STATUS_NAME,
  recBundleCodec,
  recBundleKeys,
  type LightDeviceKeyEntry,
  type LightReading,
  type LightRecRecord,
  type LightRecSlot,
  type RecBundle,
} from "./recBundle.ts";
import { verifyFinalityProof, type FinalityResult } from "./verifyFinality.ts";

/** What a reading's device signs before the genesis hash and the encoded reading (runtime/modules/pog/types.ts `readingSigningRoot`). */
const READING_DOMAIN = utf8("arkreen/reading/v1");
const SIGNATURE_LENGTH = 96;

/** What a verified REC bundle establishes, level by level (docs/proofs.md, "What a REC bundle establishes"). */
export interface RecBundleReport {
  /** Level 1: the header is final, by the checkpoint's chain's authorities. */
  finality: { block: number; hash: string; stateRoot: string; setId: number; fragments: number };
  /** Level 2: the REC as that state holds it (serial and issuer from its origin for a split). */
  rec: {
    id: number;
    status: string;
    owner: string;
    energyWh: number;
    retiredWh: number;
    serial: string;
    issuer: string;
    /** The issuer's registered name at that block; null when it is no longer an issuer. */
    issuerName: string | null;
    decidedAt: number;
    createdAt: number;
    parent: number;
    origin: number;
  };
  retirements: Array<{ id: number; owner: string; amountWh: number; beneficiary: string; message: string; block: number }>;
  devices: Array<{ deviceId: number; kind: string; capacityW: number; location: string; status: string; owner: string; keys: Array<{ key: string; setAt: number }> }>;
  /** Level 3: each slot and the reading the chain credited to it; level 4: whether its device signature was verified. */
  slots: Array<{ deviceId: number; interval: number; energyWh: number; creditedBlock: number; cumulativeWh: number; peakW: number; signed: boolean }>;
  /** Sum of the slots' energy: what the origin REC was issued for (the REC's energy plus what it retired is at most this). */
  slotsWh: number;
  signedReadings: number;
  unsignedReadings: number;
}

/**
 * The trie proof's reader: every read is checked against the header's state root, and the nodes
 * read are remembered, so that a proof holding anything else can be refused at the end.
 */
class ProvenState {
  private readonly used = new Set<string>();
  private readonly root: Uint8Array;
  private readonly proof: readonly Uint8Array[];

  constructor(root: Uint8Array, proof: readonly Uint8Array[]) {
    this.root = root;
    this.proof = proof;
  }

  read(key: Uint8Array, item: string): Uint8Array | null {
    try {
      const [result] = verifyProofs(this.root, [key], this.proof, this.used);
      return result.found ? result.value : null;
    } catch (e) {
      if (e instanceof TrieProofError) throw new LightVerifyError({ code: "STATE_PROOF_INVALID", item, reason: JSON.stringify(e.toObject()) });
      throw e;
    }
  }

  decode<T extends object>(key: Uint8Array, item: string, codec: MessageCodec<T>): T | null {
    const bytes = this.read(key, item);
    if (bytes === null) return null;
    try {
      return codec.decode(bytes);
    } catch (e) {
      throw new LightVerifyError({ code: "RECORD_MALFORMED", item, reason: (e as Error).message });
    }
  }

  /** Every node of the proof was read, and none is there twice. */
  checkNoExtraNodes(): void {
    const distinct = new Set(this.proof.map((n) => toHex(blake2b256(n))));
    if (distinct.size !== this.proof.length || this.used.size !== distinct.size) {
      throw new LightVerifyError({ code: "STATE_PROOF_EXTRA_NODES", nodes: this.proof.length, used: this.used.size });
    }
  }
}

function decodeBundle(bytes: Uint8Array): RecBundle {
  let bundle: RecBundle;
  try {
    bundle = recBundleCodec.decode(bytes);
  } catch (e) {
    throw new LightVerifyError({ code: "BUNDLE_MALFORMED", reason: (e as Error).message });
  }
  if (bundle.version !== REC_BUNDLE_VERSION) throw new LightVerifyError({ code: "BUNDLE_VERSION", version: bundle.version, expected: REC_BUNDLE_VERSION });
  return bundle;
}

function finalizedHeader(finalized: FinalityResult, headerBytes: Uint8Array): Header {
  const hash = blake2b256(headerBytes);
  if (!bytesEqual(hash, finalized.hash)) throw new LightVerifyError({ code: "BUNDLE_HEADER_NOT_FINALIZED", hash: toHex(hash), finalized: toHex(finalized.hash) });
  try {
    return codecs.header.decode(headerBytes);
  } catch (e) {
    throw new LightVerifyError({ code: "BUNDLE_HEADER_MALFORMED", reason: (e as Error).message });
  }
}

/** The REC and, for a split, its origin (which holds the serial, the issuer and the slot list). */
function provenRec(state: ProvenState, recId: number): { rec: LightRecRecord; origin: LightRecRecord | null } {
  const rec = state.decode(recBundleKeys.rec(recId), `recs.Recs[${recId}]`, lightRecRecordCodec);
  if (rec === null) throw new LightVerifyError({ code: "REC_ABSENT", recId });
  if (rec.status !== REC_STATUS.Certified && rec.status !== REC_STATUS.Retired) {
    throw new LightVerifyError({ code: "REC_NOT_CERTIFIED", recId, status: REC_STATUS_NAME[rec.status] ?? String(rec.status) });
  }
  if (rec.origin === 0) {
    if (rec.serial === "" || rec.issuer.length === 0) throw new LightVerifyError({ code: "REC_NOT_CERTIFIED", recId, status: "no serial or issuer" });
    return { rec, origin: null };
  }
  const fail = (reason: string): never => {
    throw new LightVerifyError({ code: "REC_ORIGIN_INVALID", recId, origin: rec.origin, reason });
  };
  if (rec.origin === recId) fail("a REC is not its own origin");
  const origin = state.decode(recBundleKeys.rec(rec.origin), `recs.Recs[${rec.origin}]`, lightRecRecordCodec);
  if (origin === null) return fail("absent");
  if (origin.origin !== 0) fail("the origin is itself a split");
  if (origin.serial === "" || origin.issuer.length === 0) fail("the origin was never certified");
  return { rec, origin };
}

function provenRetirements(state: ProvenState, recId: number, rec: LightRecRecord, ids: readonly number[]): RecBundleReport["retirements"] {
  const out: RecBundleReport["retirements"] = [];
  let shown = 0;
  ids.forEach((id, i) => {
    const item = `recs.Retirements[${id}]`;
    if (i > 0 && id <= ids[i - 1]) throw new LightVerifyError({ code: "RETIREMENTS_INVALID", item, reason: "ids not strictly ascending" });
    const r = state.decode(recBundleKeys.retirement(id), item, lightRecRetirementRecordCodec);
    if (r === null) throw new LightVerifyError({ code: "RETIREMENTS_INVALID", item, reason: "absent" });
    if (r.recId !== recId) throw new LightVerifyError({ code: "RETIREMENTS_INVALID", item, reason: `a retirement of REC ${r.recId}` });
    shown += r.amountWh;
    out.push({ id, owner: toHex(r.owner), amountWh: r.amountWh, beneficiary: r.beneficiary, message: r.message, block: r.block });
  });
  // Amounts are positive (recs.retire refuses 0): equal sums mean no retirement is left out.
  if (shown !== rec.retiredWh) throw new LightVerifyError({ code: "RETIREMENTS_INCOMPLETE", recId, retiredWh: rec.retiredWh, shownWh: shown });
  return out;
}

/** A device's key history as the state shows it, checked for order and for ending at the record's key. */
function provenKeys(state: ProvenState, deviceId: number, recordKey: Uint8Array, registeredAt: number): LightDeviceKeyEntry[] {
  const history = state.decode(recBundleKeys.keyHistory(deviceId), `devices.KeyHistory[${deviceId}]`, lightDeviceKeyHistoryCodec);
  const keys = history === null ? [{ key: recordKey, setAt: registeredAt }] : history.keys;
  const fail = (reason: string): never => {
    throw new LightVerifyError({ code: "KEY_HISTORY_INVALID", deviceId, reason });
  };
  if (keys.length === 0) fail("empty");
  for (let i = 1; i < keys.length; i++) if (keys[i].setAt < keys[i - 1].setAt) fail("blocks not ascending");
  if (!bytesEqual(keys[keys.length - 1].key, recordKey)) fail("the last key is not the device record's");
  return keys;
}

/** The key block import verified a reading of block `block` with: the last one set before it (devices/queries.ts `keyForBlock`). */
function keyForBlock(keys: readonly LightDeviceKeyEntry[], block: number): Uint8Array | null {
  let key: Uint8Array | null = null;
  for (const entry of keys) if (entry.setAt < block) key = entry.key;
  return key;
}

interface SignatureItem extends SignatureSet {
  index: number;
  deviceId: number;
  interval: number;
}

/** Each reading credited to its slot: the reading the slot's hash commits to, for that device, interval and energy. */
function checkReading(slot: LightRecSlot, bytes: Uint8Array, index: number): LightReading {
  let reading: LightReading;
  try {
    reading = lightReadingCodec.decode(bytes);
  } catch (e) {
    throw new LightVerifyError({ code: "READING_MALFORMED", index, reason: (e as Error).message });
  }
  const where = { index, deviceId: slot.deviceId, interval: slot.interval };
  if (reading.deviceId !== slot.deviceId || reading.interval !== slot.interval) throw new LightVerifyError({ code: "READING_SLOT_MISMATCH", ...where });
  if (reading.energyWh !== slot.energyWh) throw new LightVerifyError({ code: "READING_ENERGY_MISMATCH", ...where, energyWh: reading.energyWh, slotWh: slot.energyWh });
  if (!bytesEqual(blake2b256(bytes), slot.readingHash)) throw new LightVerifyError({ code: "READING_HASH_MISMATCH", ...where });
  return reading;
}

/** All device signatures in one multi-pairing; when it fails, one by one in slot order, so the error names the first bad reading. */
function settleSignatures(items: readonly SignatureItem[]): void {
  const cache: PublicKeyCache = new Map();
  if (verifyMultiple(items, cache)) return;
  for (const s of items) {
    if (!fastAggregateVerify(s.message, [s.publicKey], s.signature, cache)) throw new LightVerifyError({ code: "READING_BAD_SIGNATURE", index: s.index, deviceId: s.deviceId, interval: s.interval });
  }
}

/**
 * Verifies a REC proof bundle (light/recBundle.proto, docs/proofs.md) from `checkpoint`, level by
 * level: (1) the finality proof from the checkpoint's set to the bundle's header; (2) the REC,
 * certified or retired, with its origin, issuer, retirements and slot list, in that header's
 * state; (3) each slot's reading — its device, interval and energy, and the hash the chain stored
 * when it credited it — with each device's registration and key history; (4) each device signature
 * the bundle carries, against the key the device had when the reading was credited. Throws
 * `LightVerifyError` naming the failed check and the item; returns what was established.
 */
export function verifyRecBundle(checkpoint: Checkpoint, bundleBytes: Uint8Array): RecBundleReport {
  const bundle = decodeBundle(bundleBytes);
  // Level 1: finality.
  const finalized = verifyFinalityProof(checkpoint, bundle.finalityProof);
  const header = finalizedHeader(finalized, bundle.header);
  const state = new ProvenState(header.stateRoot, bundle.stateProof);

  // Level 2: the REC in that state.
  const recId = bundle.recId;
  const { rec, origin } = provenRec(state, recId);
  const decided = origin ?? rec;
  const originId = rec.origin === 0 ? recId : rec.origin;
  const issuer = state.decode(recBundleKeys.issuer(decided.issuer), `recs.Issuers[${toHex(decided.issuer)}]`, lightRecIssuerRecordCodec);
  const retirements = provenRetirements(state, recId, rec, bundle.retirementIds);
  const slotList = state.decode(recBundleKeys.slots(originId), `recs.RecSlots[${originId}]`, lightRecSlotListCodec);
  if (slotList === null || slotList.slots.length === 0) throw new LightVerifyError({ code: "REC_SLOTS_ABSENT", originId });
  const slots = slotList.slots;
  let slotsWh = 0;
  for (const s of slots) slotsWh += s.energyWh;
  // The origin was issued for exactly the slots' energy (recs.request); splits and retirements
  // only divide it, so what this REC certifies and retired is at most that.
  if (rec.energyWh + rec.retiredWh > slotsWh) throw new LightVerifyError({ code: "REC_ENERGY_EXCEEDS_SLOTS", recId, energyWh: rec.energyWh + rec.retiredWh, slotsWh });

  // The devices: registration and key history.
  const deviceIds = [...new Set(slots.map((s) => s.deviceId))].sort((a, b) => a - b);
  const keysOf = new Map<number, LightDeviceKeyEntry[]>();
  const devices: RecBundleReport["devices"] = deviceIds.map((deviceId) => {
    const d = state.decode(recBundleKeys.device(deviceId), `devices.Devices[${deviceId}]`, lightDeviceRecordCodec);
    if (d === null) throw new LightVerifyError({ code: "DEVICE_ABSENT", deviceId });
    const keys = provenKeys(state, deviceId, d.blsKey, d.registeredAt);
    keysOf.set(deviceId, keys);
    return {
      deviceId,
      kind: DEVICE_KIND_NAME[d.kind] ?? String(d.kind),
      capacityW: d.capacityW,
      location: d.location,
      status: DEVICE_STATUS_NAME[d.status] ?? String(d.status),
      owner: toHex(d.owner),
      keys: keys.map((k) => ({ key: toHex(k.key), setAt: k.setAt })),
    };
  });
  state.checkNoExtraNodes();

  // Level 3: the readings the chain credited; level 4: the signatures carried.
  if (bundle.readings.length !== slots.length) throw new LightVerifyError({ code: "READINGS_COUNT", readings: bundle.readings.length, slots: slots.length });
  const signatures: SignatureItem[] = [];
  const shown: RecBundleReport["slots"] = slots.map((slot, index) => {
    const { reading: bytes, signature } = bundle.readings[index];
    const reading = checkReading(slot, bytes, index);
    const where = { index, deviceId: slot.deviceId, interval: slot.interval };
    const key = keyForBlock(keysOf.get(slot.deviceId) as LightDeviceKeyEntry[], slot.creditedBlock);
    if (key === null) throw new LightVerifyError({ code: "READING_KEY_UNKNOWN", ...where, creditedBlock: slot.creditedBlock });
    if (signature.length > 0) {
      if (signature.length !== SIGNATURE_LENGTH) throw new LightVerifyError({ code: "READING_BAD_SIGNATURE", ...where });
      signatures.push({ ...where, message: blake2b256(concatBytes(READING_DOMAIN, checkpoint.genesisHash, bytes)), publicKey: key, signature });
    }
    return { deviceId: slot.deviceId, interval: slot.interval, energyWh: slot.energyWh, creditedBlock: slot.creditedBlock, cumulativeWh: reading.cumulativeWh, peakW: reading.peakW, signed: signature.length > 0 };
  });
  settleSignatures(signatures);

  return {
    finality: { block: header.number, hash: toHex(finalized.hash), stateRoot: toHex(header.stateRoot), setId: finalized.setId, fragments: finalized.fragments },
    rec: {
      id: recId,
      status: REC_STATUS_NAME[rec.status],
      owner: toHex(rec.owner),
      energyWh: rec.energyWh,
      retiredWh: rec.retiredWh,
      serial: decided.serial,
      issuer: toHex(decided.issuer),
      issuerName: issuer?.name ?? null,
      decidedAt: decided.decidedAt,
      createdAt: rec.createdAt,
      parent: rec.parent,
      origin: rec.origin,
    },
    retirements,
    devices,
    slots: shown,
    slotsWh,
    signedReadings: signatures.length,
    unsignedReadings: slots.length - signatures.length,
  };
}
