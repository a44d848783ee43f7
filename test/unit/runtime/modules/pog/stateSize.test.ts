/**
 * The figures of docs/state-layout.md, measured from the real keys and encodings: state entries
 * and bytes (key + value, trie nodes not counted) a device holds at hourly readings on a live
 * chain. Realistic values: a 5 kW solar device (up to 5,000 Wh an interval, ~10 MWh on its meter),
 * block numbers of a chain's first years, REC ids in the hundreds of thousands. If the layout or
 * a codec changes, these numbers change: update the doc with them.
 */
import assert from "node:assert/strict";
import { DeviceIdByKey, Devices, DevicesByOwner } from "../../../../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus, deviceRecordCodec } from "../../../../../runtime/modules/devices/types.ts";
import { INTERVALS_PER_DAY_RECORD } from "../../../../../runtime/modules/pog/generation.ts";
import { pogLiveSection } from "../../../../../runtime/modules/pog/genesis.ts";
import { EpochEnergy, ExpiryQueue, GenerationDays, LastReading } from "../../../../../runtime/modules/pog/storage.ts";
import { epochEnergyRecordCodec, expiryEntryCodec, generationDayCodec, lastReadingRecordCodec, type GenerationSlot } from "../../../../../runtime/modules/pog/types.ts";
import { recSlotListCodec } from "../../../../../runtime/modules/recs/types.ts";

const DEVICE = 123_456;
const DAY = 20_500; // 2026
const BLOCK = 3_000_000;

function slot(offset: number, claimedBy: number): GenerationSlot {
  return { offset, energyWh: 4_321, readingHash: new Uint8Array(32).fill(0xab), block: BLOCK + offset * 600, claimedBy, cumulativeWh: 10_000_000 + offset * 4_321, peakW: 4_950 };
}

/** Key + value bytes of each record (docs/state-layout.md, "Records"). */
const EXPECTED = {
  page: 1_366,
  claimedPage: 1_462,
  batteryPage: 1_558,
  queueEntry: 64,
  lastReading: 61,
  batteryLastReading: 66,
  epochEnergy: 77,
  device: 195,
  deviceIdByKey: 100,
  devicesByOwner: 100,
  recSlot100: 5_200,
};
/** Bytes and entries one device holds (docs/state-layout.md, "Per device"). */
const PER_DEVICE = { pog: 44_468, devices: 395, entries: 67 };

function fullPage(claimedBy: number): Uint8Array {
  return generationDayCodec.encode({ slots: Array.from({ length: INTERVALS_PER_DAY_RECORD }, (_, i) => slot(i, claimedBy)) });
}

const device = {
  owner: new Uint8Array(32).fill(2),
  blsKey: new Uint8Array(48).fill(3),
  kind: DeviceKind.SolarPv,
  capacityW: 5_000,
  location: "u4pruydqqvj",
  status: DeviceStatus.Active,
  registrar: new Uint8Array(32).fill(4),
  registeredAt: BLOCK,
};

/** key + value bytes of each record, as stored. */
const measured = {
  page: GenerationDays.key(DEVICE, DAY).length + fullPage(0).length,
  claimedPage: GenerationDays.key(DEVICE, DAY).length + fullPage(654_321).length,
  // A device with an import channel (docs/readings.md): each slot also holds its import energy and meter.
  batteryPage:
    GenerationDays.key(DEVICE, DAY).length +
    generationDayCodec.encode({ slots: Array.from({ length: INTERVALS_PER_DAY_RECORD }, (_, i) => ({ ...slot(i, 0), importWh: 3_210, cumulativeImportWh: 8_000_000 + i * 3_210 })) }).length,
  queueEntry: ExpiryQueue.key(DAY * 1_000_000).length + expiryEntryCodec.encode({ deviceId: DEVICE, day: DAY }).length,
  lastReading: LastReading.key(DEVICE).length + lastReadingRecordCodec.encode({ interval: DAY * 24 + 23, cumulativeWh: 10_100_000 }).length,
  batteryLastReading: LastReading.key(DEVICE).length + lastReadingRecordCodec.encode({ interval: DAY * 24 + 23, cumulativeWh: 10_100_000, cumulativeImportWh: 8_100_000 }).length,
  epochEnergy: EpochEnergy.key(50_000, DEVICE).length + epochEnergyRecordCodec.encode({ energyWh: 4_321, intervals: 1, violated: false }).length,
  device: Devices.key(DEVICE).length + deviceRecordCodec.encode(device).length,
  deviceIdByKey: DeviceIdByKey.key(device.blsKey).length + 4,
  devicesByOwner: DevicesByOwner.key(device.owner, DEVICE).length,
  recSlot100: recSlotListCodec.encode({ slots: Array.from({ length: 100 }, (_, i) => ({ deviceId: DEVICE, interval: DAY * 24 + i, energyWh: 4_321, readingHash: new Uint8Array(32).fill(1), creditedBlock: BLOCK + i * 600 })) }).length,
};

describe("state layout: bytes per device (docs/state-layout.md)", () => {
  if (process.env.STATE_LAYOUT_PRINT === "1") console.log(measured);

  it("measures each record (key + value bytes)", () => {
    assert.deepEqual(measured, EXPECTED);
  });

  it("a device at hourly readings on a live chain holds 31 pages and 64 entries, whatever the chain's age", () => {
    const config = pogLiveSection() as { claimWindowIntervals: number };
    // Pages inside the claim window, plus the one being filled.
    const pages = config.claimWindowIntervals / INTERVALS_PER_DAY_RECORD + 1;
    assert.equal(pages, 31);
    const pog = pages * (measured.page + measured.queueEntry) + measured.lastReading + measured.epochEnergy;
    const devices = measured.device + measured.deviceIdByKey + measured.devicesByOwner;
    assert.deepEqual({ pog, devices, entries: pages * 2 + 2 + 3 }, PER_DEVICE);
  });
});
