import { strict as assert } from "node:assert";
import { blsVerify } from "../../../../primitives/blsKeys.ts";
import { BatteryDevice } from "../../../../cli/simulator/batteryDevice.ts";
import { behaviourOf, dispatchAt, type Dispatch, type FlexBehaviour } from "../../../../cli/simulator/flexBehaviour.ts";
import { SolarDevice, solarFraction } from "../../../../cli/simulator/solarDevice.ts";
import { pog } from "../../../../runtime/api.ts";

const GENESIS = new Uint8Array(32).fill(7);
const OWNER = new Uint8Array(32).fill(1);
const HOUR = 3600;
const discharge = (watts: number, startInterval = 100): Dispatch => ({ eventId: 0, payloadType: 2, watts, startInterval, durationIntervals: 4 });

function battery(behaviour: FlexBehaviour): BatteryDevice {
  return new BatteryDevice({ owner: OWNER, index: 0, capacityW: 5_000, seed: 1, behaviour });
}

describe("device simulate: batteries and flex behaviours", () => {
  it("discharges for INCREASE_EXPORT as far as its behaviour says, from its state of charge", () => {
    // Half charged (5 kWh of 10): idle export is 10 % of 5 kW only above half charge, so it rests.
    const exported = (["follow", "half", "ignore"] as const).map((b) => battery(b).read(GENESIS, 100, HOUR, discharge(3_000)).reading.energyWh);
    assert.deepEqual(exported, [3_000, 1_500, 0]);
    const b = battery("follow");
    b.read(GENESIS, 100, HOUR, discharge(3_000));
    assert.equal(b.socWh, 2_000);
    // The next hour only what is left: 2 kWh, then nothing.
    assert.equal(b.read(GENESIS, 101, HOUR, discharge(3_000)).reading.energyWh, 2_000);
    assert.equal(b.read(GENESIS, 102, HOUR, discharge(3_000)).reading.energyWh, 0);
    assert.equal(b.socWh, 0);
    assert.equal(b.cumulativeWh, 5_000);
  });

  it("charges for CHARGE (no export, the state of charge rises up to its storage) and idles otherwise", () => {
    const b = battery("follow");
    const charge: Dispatch = { eventId: 1, payloadType: 3, watts: 4_000, startInterval: 10, durationIntervals: 3 };
    const first = b.read(GENESIS, 10, HOUR, charge).reading;
    assert.equal(first.energyWh, 0);
    assert.equal(b.socWh, 9_000);
    // The import channel counts what it charged with (docs/readings.md): 4 kWh, then only the 1 kWh of room left.
    assert.deepEqual([first.importWh, first.cumulativeImportWh], [4_000, 4_000]);
    const second = b.read(GENESIS, 11, HOUR, charge).reading;
    assert.equal(b.socWh, 10_000);
    assert.deepEqual([second.importWh, second.cumulativeImportWh], [1_000, 5_000]);
    // Above half charge and no event: it exports its idle 10 %.
    assert.equal(b.read(GENESIS, 13, HOUR).reading.energyWh, 500);
  });

  it("counts the fraction of a Wh an interval leaves with the next ones at short intervals, so a short event's discharge is not rounded away", () => {
    // 2 s intervals: the idle 10 % of 5 kW moves 0.28 Wh an interval, a half-followed 3 kW request
    // 0.83 Wh; each interval floored alone would report 0 Wh for both (vppSimulator.test.ts).
    const SECS = 2;
    for (const start of [10, 11]) {
      const sums = (["follow", "half"] as const).map((behaviour) => {
        const b = battery(behaviour);
        let exported = 0;
        let exportedWh = 0;
        let chargedWh = 0;
        let previous: pog.Reading | undefined;
        for (let interval = 0; interval < start + 3; interval++) {
          const soc = b.socWh;
          const dispatch = dispatchAt([{ ...discharge(3_000, start), durationIntervals: 3 }], interval);
          const { reading } = b.read(GENESIS, interval, SECS, dispatch);
          // The state of charge moved by exactly what the meters count, up to the fraction not yet counted.
          exportedWh += Math.max(0, soc - b.socWh);
          chargedWh += Math.max(0, b.socWh - soc);
          if (previous) {
            assert.equal(reading.cumulativeWh - previous.cumulativeWh, reading.energyWh);
            assert.equal((reading.cumulativeImportWh ?? 0) - (previous.cumulativeImportWh ?? 0), reading.importWh ?? 0);
          }
          assert.ok(reading.energyWh <= 2 && (reading.importWh ?? 0) <= 2, `at most 5 kW for 2 s: ${reading.energyWh}, ${reading.importWh}`);
          if (dispatch) exported += reading.energyWh;
          previous = reading;
        }
        assert.ok(exportedWh - b.cumulativeWh >= 0 && exportedWh - b.cumulativeWh < 1, `export meter ${b.cumulativeWh} Wh of ${exportedWh}`);
        assert.ok(chargedWh - b.cumulativeImportWh >= 0 && chargedWh - b.cumulativeImportWh < 1, `import meter ${b.cumulativeImportWh} Wh of ${chargedWh}`);
        return exported;
      });
      assert.ok(sums[0] >= 5 && sums[1] >= 2 && sums[0] > sums[1], `event from interval ${start}: follow ${sums[0]} Wh, half ${sums[1]} Wh`);
    }
  });

  it("signs each reading with its key over the chain's reading root, the meter consistent", () => {
    const b = battery("half");
    b.deviceId = 42;
    const first = b.read(GENESIS, 100, HOUR, discharge(3_000));
    const second = b.read(GENESIS, 101, HOUR, discharge(3_000));
    assert.ok(blsVerify(b.keys.publicKey, pog.readingSigningRoot(GENESIS, second.reading), second.signature));
    assert.equal(second.reading.cumulativeWh - first.reading.cumulativeWh, second.reading.energyWh);
    assert.equal(second.reading.deviceId, 42);
  });

  it("curtails solar output for REDUCE_EXPORT: all the request when following, half when half-following, none when ignoring", () => {
    // Find a sunny interval for the device (same seed and index: same location and clouds).
    const make = (behaviour: FlexBehaviour) => new SolarDevice({ owner: OWNER, index: 3, capacityW: 5_000, seed: 9, behaviour });
    const probe = make("ignore");
    let interval = 480_000;
    while (solarFraction((interval + 0.5) * HOUR * 1000, probe.longitude) < 0.8) interval++;
    const reduce: Dispatch = { eventId: 2, payloadType: 1, watts: 1_000, startInterval: interval, durationIntervals: 1 };
    const [follow, half, ignore] = (["follow", "half", "ignore"] as const).map((b) => make(b).read(GENESIS, interval, HOUR, reduce).reading.energyWh);
    assert.ok(ignore > 2_000);
    assert.ok(Math.abs(ignore - follow - 1_000) <= 1, `${ignore} - ${follow}`);
    assert.ok(Math.abs(ignore - half - 500) <= 1, `${ignore} - ${half}`);
  });

  it("cycles follow, half, ignore by index in mixed mode, and finds the event covering an interval", () => {
    assert.deepEqual([0, 1, 2, 3].map((i) => behaviourOf("mixed", i)), ["follow", "half", "ignore", "follow"]);
    assert.equal(behaviourOf("half", 5), "half");
    const events = [discharge(1, 10), discharge(1, 20)];
    assert.equal(dispatchAt(events, 13)?.startInterval, 10);
    assert.equal(dispatchAt(events, 14), undefined);
    assert.equal(dispatchAt(events, 20)?.startInterval, 20);
  });
});
