import { fromHex, isHex } from "../../../primitives/bytes.ts";
import { config as read, GenesisConfigError } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import type { State } from "../../framework/state.ts";
import { generatedDevicePublicKeys } from "./generatedKeys.ts";
import { isDeviceKind, isGeohash, isValidCapacity } from "./rules.ts";
import { DeviceIdByKey, Devices, DevicesByOwner, NextDeviceId, Registrars } from "./storage.ts";
import { DeviceStatus, type DeviceRecord } from "./types.ts";

/**
 * Most devices a `generated` section may register. Ids are u32, but every node builds its genesis
 * in memory at every start: 3 state entries and 4 trie nodes a device, about 70 µs and 3 KB of
 * memory a device measured on the 2-core workplace machine (docs/scale.md). 10 million bounds what
 * a typo can cost.
 */
export const MAX_GENERATED_DEVICES = 10_000_000;
const SEED_LENGTH = 32;

/** `devices.generated`: `count` devices of one owner, registered at genesis with keys derived from `seed` (generatedKeys.ts). */
export interface GeneratedDevices {
  count: number;
  seed: Uint8Array;
  owner: Uint8Array;
  registrar: Uint8Array;
  kind: number;
  capacityW: number;
  location: string;
}

function readGenerated(value: unknown): GeneratedDevices {
  const g = read.object(value, "devices.generated");
  const seedHex = read.string(g.seed, "devices.generated.seed", { maxLength: 2 + 2 * SEED_LENGTH });
  if (!isHex(seedHex) || fromHex(seedHex).length !== SEED_LENGTH) throw new GenesisConfigError("devices.generated.seed", `expected 0x and ${SEED_LENGTH} hex bytes`);
  const kind = read.uint(g.kind, "devices.generated.kind");
  if (!isDeviceKind(kind)) throw new GenesisConfigError("devices.generated.kind", `${kind} is not a device kind`);
  const capacityW = read.uint(g.capacityW, "devices.generated.capacityW");
  if (!isValidCapacity(capacityW)) throw new GenesisConfigError("devices.generated.capacityW", "out of range");
  const location = read.string(g.location, "devices.generated.location", { maxLength: 12 });
  if (!isGeohash(location)) throw new GenesisConfigError("devices.generated.location", "expected a geohash");
  return {
    count: read.uint(g.count, "devices.generated.count", { max: MAX_GENERATED_DEVICES }),
    seed: fromHex(seedHex),
    owner: read.account(g.owner, "devices.generated.owner"),
    registrar: read.account(g.registrar, "devices.generated.registrar"),
    kind,
    capacityW,
    location,
  };
}

/**
 * Writes exactly what `devices.register` would for each device — the record (Active, registered
 * at block 0), the key index and the owner index — and advances `NextDeviceId`; no event (genesis
 * has no block to hold one). Ids follow the devices registered before (none at genesis: 0..count-1).
 */
function registerGenerated(state: State, g: GeneratedDevices): void {
  if (!Registrars.contains(state, g.registrar)) throw new GenesisConfigError("devices.generated.registrar", "not one of devices.registrars");
  let deviceId = NextDeviceId.get(state);
  for (const blsKey of generatedDevicePublicKeys(g.seed, g.count)) {
    const record: DeviceRecord = { owner: g.owner, blsKey, kind: g.kind, capacityW: g.capacityW, location: g.location, status: DeviceStatus.Active, registrar: g.registrar, registeredAt: 0 };
    Devices.set(state, deviceId, record);
    DeviceIdByKey.set(state, blsKey, deviceId);
    DevicesByOwner.set(state, g.owner, deviceId, true);
    deviceId++;
  }
  NextDeviceId.set(state, deviceId);
}

/**
 * `devices` section: `{ registrars: [[address, name], ...], generated?: { count, seed, owner,
 * registrar, kind, capacityW, location } }`. `generated` registers `count` devices of one owner at
 * genesis, their keys derived from the 32-byte `seed` (generatedKeys.ts: for test and benchmark
 * chains only, every secret follows from the seed); `registrar` must be one of `registrars`.
 */
export const devicesGenesis: ModuleGenesis = {
  build(state, section) {
    const s = read.object(section, "devices");
    read.array(s.registrars, "devices.registrars").forEach((entry, i) => {
      const [who, name] = read.array(entry, `devices.registrars[${i}]`);
      Registrars.set(state, read.account(who, `devices.registrars[${i}][0]`), { name: read.string(name, `devices.registrars[${i}][1]`, { maxLength: 64 }) });
    });
    if (s.generated !== undefined) registerGenerated(state, readGenerated(s.generated));
  },
};

export function devicesDevSection(registrar: string): Record<string, unknown> {
  return { registrars: [[registrar, "Dev registrar"]] };
}
