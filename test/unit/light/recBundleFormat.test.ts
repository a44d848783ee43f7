import { strict as assert } from "node:assert";
import { toHex } from "../../../primitives/bytes.ts";
import {
  lightDeviceKeyHistoryCodec,
  lightDeviceRecordCodec,
  lightReadingCodec,
  lightRecIssuerRecordCodec,
  lightRecRecordCodec,
  lightRecRetirementRecordCodec,
  lightRecSlotListCodec,
  recBundleKeys,
  recBundleStorageKeys,
  REC_STATUS,
  DEVICE_KIND_NAME,
} from "../../../light/recBundle.ts";
import { Devices, KeyHistory } from "../../../runtime/modules/devices/storage.ts";
import { DeviceKind, deviceKeyHistoryCodec, deviceRecordCodec } from "../../../runtime/modules/devices/types.ts";
import { readingCodec } from "../../../runtime/modules/pog/types.ts";
import { Issuers, RecSlots, Recs, Retirements } from "../../../runtime/modules/recs/storage.ts";
import { RecStatus, recIssuerRecordCodec, recRecordCodec, recRetirementRecordCodec, recSlotListCodec, type RecRecord } from "../../../runtime/modules/recs/types.ts";

const rec: RecRecord = {
  owner: new Uint8Array(32).fill(1),
  status: RecStatus.Retired,
  energyWh: 0,
  retiredWh: 2 ** 40,
  fee: Uint8Array.of(1, 0),
  createdAt: 17,
  parent: 3,
  origin: 1,
  issuer: new Uint8Array(32).fill(2),
  serial: "AKRE-1",
  rejectReason: "",
  decidedAt: 20,
};

/** light/recBundle.proto restates runtime records and keys so that the verifier loads nothing of the runtime: they must agree. */
describe("light: REC bundle records and keys agree with the runtime's", () => {
  it("storage keys of every item a bundle proves", () => {
    const account = new Uint8Array(32).fill(7);
    assert.equal(toHex(recBundleKeys.rec(70_000)), toHex(Recs.key(70_000)));
    assert.equal(toHex(recBundleKeys.slots(5)), toHex(RecSlots.key(5)));
    assert.equal(toHex(recBundleKeys.issuer(account)), toHex(Issuers.key(account)));
    assert.equal(toHex(recBundleKeys.retirement(9)), toHex(Retirements.key(9)));
    assert.equal(toHex(recBundleKeys.device(123_456)), toHex(Devices.key(123_456)));
    assert.equal(toHex(recBundleKeys.keyHistory(4)), toHex(KeyHistory.key(4)));
    const keys = recBundleStorageKeys(2, rec, { ...rec, origin: 0 }, [1, 4], [0, 3]).map(toHex);
    assert.deepEqual(keys, [Recs.key(2), Recs.key(1), RecSlots.key(1), Issuers.key(rec.issuer), Retirements.key(1), Retirements.key(4), Devices.key(0), KeyHistory.key(0), Devices.key(3), KeyHistory.key(3)].map(toHex));
  });

  it("decodes the runtime's encodings of every record, field for field, and re-encodes them byte for byte", () => {
    const cases: Array<[Uint8Array, { decode(b: Uint8Array): object; encode(v: never): Uint8Array }]> = [
      [recRecordCodec.encode(rec), lightRecRecordCodec],
      [recSlotListCodec.encode({ slots: [{ deviceId: 3, interval: 29_000_000, energyWh: 4_000_000_000, readingHash: new Uint8Array(32).fill(5), creditedBlock: 99 }] }), lightRecSlotListCodec],
      [recIssuerRecordCodec.encode({ name: "Issuer Ltd" }), lightRecIssuerRecordCodec],
      [recRetirementRecordCodec.encode({ recId: 2, owner: new Uint8Array(32).fill(3), amountWh: 100, beneficiary: "B", message: "M", block: 40 }), lightRecRetirementRecordCodec],
      [
        deviceRecordCodec.encode({ owner: new Uint8Array(32).fill(4), blsKey: new Uint8Array(48).fill(6), kind: DeviceKind.Wind, capacityW: 2_500_000, location: "u4pruyd", status: 2, registrar: new Uint8Array(32).fill(8), registeredAt: 12 }),
        lightDeviceRecordCodec,
      ],
      [deviceKeyHistoryCodec.encode({ keys: [{ key: new Uint8Array(48).fill(1), setAt: 0 }, { key: new Uint8Array(48).fill(2), setAt: 77 }] }), lightDeviceKeyHistoryCodec],
      [readingCodec.encode({ deviceId: 1, interval: 2, cumulativeWh: 2 ** 45, energyWh: 600, peakW: 3000, cumulativeImportWh: 0, importWh: 0 }), lightReadingCodec],
      [readingCodec.encode({ deviceId: 1, interval: 2, cumulativeWh: 2 ** 45, energyWh: 600, peakW: 3000, cumulativeImportWh: 2 ** 40, importWh: 250 }), lightReadingCodec],
    ];
    for (const [bytes, codec] of cases) {
      const decoded = codec.decode(bytes);
      assert.equal(toHex(codec.encode(decoded as never)), toHex(bytes));
    }
    const plain = (v: object) => Object.entries(v).map(([k, x]) => [k, x instanceof Uint8Array ? toHex(x) : x]);
    assert.deepEqual(plain(lightRecRecordCodec.decode(recRecordCodec.encode(rec))), plain(rec));
    assert.equal(REC_STATUS.Retired, RecStatus.Retired);
    assert.equal(REC_STATUS.Certified, RecStatus.Certified);
    assert.equal(DEVICE_KIND_NAME[DeviceKind.RemoteShare], "RemoteShare");
  });
});
