import { concatBytes, u32ToBytes, utf8 } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../primitives/blsKeys.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { devices as devicesApi, pog } from "../../runtime/api.ts";
import { curtailed, shareOf, type Dispatch, type FlexBehaviour } from "./flexBehaviour.ts";
import { encodeGeohash } from "./geohash.ts";
import { prng } from "../../primitives/prng.ts";

/**
 * Share of nameplate power a PV panel delivers at a moment: a half-sine between 06:00 and 18:00
 * local solar time (longitude / 15 hours from UTC), zero at night.
 */
export function solarFraction(unixMs: number, longitude: number): number {
  const hours = (((unixMs / 3_600_000 + longitude / 15) % 24) + 24) % 24;
  return hours <= 6 || hours >= 18 ? 0 : Math.sin((Math.PI * (hours - 6)) / 12);
}

export interface SolarDeviceOpts {
  owner: Uint8Array;
  index: number;
  capacityW: number;
  seed: number;
  /** How it answers flex events (REDUCE_EXPORT, EXPORT_LIMIT); default follow. */
  behaviour?: FlexBehaviour;
}

/**
 * A simulated solar PV meter: a deterministic BLS key (from owner, index and seed), a location,
 * a cumulative meter, and readings that follow the sun with passing clouds (each interval keeps
 * 60–100 % of the clear-sky output); under a flex REDUCE_EXPORT or EXPORT_LIMIT event it curtails as
 * far as its behaviour says.
 */
export class SolarDevice {
  readonly kind = devicesApi.DeviceKind.SolarPv;
  readonly keys: BlsKeypair;
  readonly behaviour: FlexBehaviour;
  readonly capacityW: number;
  readonly latitude: number;
  readonly longitude: number;
  readonly location: string;
  deviceId: number | null = null;
  cumulativeWh = 0;
  lastInterval = -1;
  private readonly random: () => number;

  constructor(opts: SolarDeviceOpts) {
    this.keys = blsKeypairFromSeed(blake2b256(concatBytes(utf8("arkreen/simulated-device"), opts.owner, u32ToBytes(opts.index), u32ToBytes(opts.seed))));
    this.random = prng(opts.seed * 1_000_003 + opts.index);
    this.capacityW = opts.capacityW;
    this.behaviour = opts.behaviour ?? "follow";
    this.latitude = -40 + this.random() * 100;
    this.longitude = -180 + this.random() * 360;
    this.location = encodeGeohash(this.latitude, this.longitude);
  }

  /** The signed reading for `interval` (of `intervalSecs`), advancing the meter; `dispatch`: the flex event covering it. */
  read(genesisHash: Uint8Array, interval: number, intervalSecs: number, dispatch?: Dispatch): pog.SignedReading {
    const midpoint = (interval + 0.5) * intervalSecs * 1000;
    const clouds = 0.6 + 0.4 * this.random();
    const power = curtailed(this.capacityW * solarFraction(midpoint, this.longitude) * clouds, dispatch, shareOf(this.behaviour));
    const energyWh = Math.floor((power * intervalSecs) / 3600);
    this.cumulativeWh += energyWh;
    this.lastInterval = interval;
    const reading: pog.Reading = { deviceId: this.deviceId ?? 0, interval, cumulativeWh: this.cumulativeWh, energyWh, peakW: Math.floor(power) };
    return { reading, signature: blsSign(this.keys.secretKey, pog.readingSigningRoot(genesisHash, reading)) };
  }
}
