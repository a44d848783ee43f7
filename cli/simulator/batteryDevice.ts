import { concatBytes, u32ToBytes, utf8 } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../primitives/blsKeys.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { prng } from "../../primitives/prng.ts";
import { devices as devicesApi, pog } from "../../runtime/api.ts";
import { curtailed, shareOf, type Dispatch, type FlexBehaviour } from "./flexBehaviour.ts";
import { encodeGeohash } from "./geohash.ts";

export interface BatteryDeviceOpts {
  owner: Uint8Array;
  index: number;
  capacityW: number;
  seed: number;
  behaviour: FlexBehaviour;
}

/** Hours of full power the battery stores. */
const STORAGE_HOURS = 2;
/** Share of its power it exports on its own while above half charge (a home's surplus), and recharges with below it. */
const IDLE_SHARE = 0.1;

/**
 * A simulated home battery with a bidirectional meter: a state of charge (2 h of its power), an
 * idle pattern (exports a little while above half charge, recharges from the home below it), and
 * the import channel of its readings (docs/readings.md: `cumulativeImportWh`, `importWh`) counting
 * what it charges with; its response to flex events: INCREASE_EXPORT
 * discharges, CHARGE charges, REDUCE_EXPORT and EXPORT_LIMIT hold export back, each as far as
 * its behaviour (follow, half, ignore) and its charge allow.
 */
export class BatteryDevice {
  readonly kind = devicesApi.DeviceKind.Battery;
  readonly keys: BlsKeypair;
  readonly capacityW: number;
  readonly storageWh: number;
  readonly location: string;
  readonly behaviour: FlexBehaviour;
  socWh: number;
  deviceId: number | null = null;
  cumulativeWh = 0;
  /** The import meter: energy charged, Wh. */
  cumulativeImportWh = 0;
  /**
   * What each meter has counted beyond its whole Wh: a meter's register counts every Wh that
   * flowed, so the fraction of one that an interval leaves is counted with the next interval's,
   * not lost (at 2 s intervals a battery moves well under a Wh an interval, and flooring each
   * interval alone would drop most of what it exports and charges).
   */
  private exportFractionWh = 0;
  private importFractionWh = 0;
  lastInterval = -1;

  constructor(opts: BatteryDeviceOpts) {
    this.keys = blsKeypairFromSeed(blake2b256(concatBytes(utf8("arkreen/simulated-battery"), opts.owner, u32ToBytes(opts.index), u32ToBytes(opts.seed))));
    const random = prng(opts.seed * 1_000_033 + opts.index);
    this.capacityW = opts.capacityW;
    this.storageWh = opts.capacityW * STORAGE_HOURS;
    this.socWh = this.storageWh / 2;
    this.behaviour = opts.behaviour;
    this.location = encodeGeohash(-40 + random() * 100, -180 + random() * 360);
  }

  /** Export power and charging power over an interval, before the state of charge limits them. */
  private plan(dispatch: Dispatch | undefined): { exportW: number; chargeW: number } {
    const half = this.socWh > this.storageWh / 2;
    let exportW = half ? IDLE_SHARE * this.capacityW : 0;
    let chargeW = half ? 0 : IDLE_SHARE * this.capacityW;
    const share = shareOf(this.behaviour);
    if (dispatch && share > 0) {
      if (dispatch.payloadType === 2) {
        exportW = Math.min(this.capacityW, exportW + Math.min(dispatch.watts, this.capacityW) * share);
        chargeW = 0;
      } else if (dispatch.payloadType === 3) {
        chargeW = Math.min(dispatch.watts, this.capacityW) * share;
        exportW *= 1 - share;
      } else {
        exportW = curtailed(exportW, dispatch, share);
      }
    }
    return { exportW, chargeW };
  }

  /** The signed reading for `interval`, moving the state of charge and the meter. */
  read(genesisHash: Uint8Array, interval: number, intervalSecs: number, dispatch?: Dispatch): pog.SignedReading {
    const hours = intervalSecs / 3600;
    const { exportW, chargeW } = this.plan(dispatch);
    const exportWh = Math.min(exportW * hours, this.socWh);
    // It charges only as far as it has room: what it draws is what the import meter counts.
    const chargedWh = Math.max(0, Math.min(chargeW * hours, this.storageWh - (this.socWh - exportWh)));
    this.socWh = this.socWh - exportWh + chargedWh;
    // Whole Wh per interval, at most what its capacity moves in one (the rest waits for the next).
    const maxWh = Math.floor(this.capacityW * hours);
    const exportedWh = this.exportFractionWh + exportWh;
    const energyWh = Math.min(maxWh, Math.floor(exportedWh));
    this.exportFractionWh = exportedWh - energyWh;
    const importedWh = this.importFractionWh + chargedWh;
    const importWh = Math.min(maxWh, Math.floor(importedWh));
    this.importFractionWh = importedWh - importWh;
    this.cumulativeWh += energyWh;
    this.cumulativeImportWh += importWh;
    this.lastInterval = interval;
    const reading: pog.Reading = {
      deviceId: this.deviceId ?? 0,
      interval,
      cumulativeWh: this.cumulativeWh,
      energyWh,
      peakW: Math.floor(hours > 0 ? exportWh / hours : 0),
      cumulativeImportWh: this.cumulativeImportWh,
      importWh,
    };
    return { reading, signature: blsSign(this.keys.secretKey, pog.readingSigningRoot(genesisHash, reading)) };
  }
}
