import { fromHex, toHex, bytesToU32 } from "../../primitives/bytes.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { blsSign, type BlsKeypair } from "../../primitives/blsKeys.ts";
import { control as controlApi, devices as devicesApi, pog as pogApi } from "../../runtime/api.ts";
import { accountFromSeed, acknowledgementArgs, buildCall, flexResponseArgs, registrationArgs, ResponseStatus, signCall, submit, submitReadings, type Account, type BlsSigner, type ControlCommand } from "../../client/index.ts";
import { WsRpcClient } from "../rpcClient.ts";
import { BatteryDevice } from "./batteryDevice.ts";
import { behaviourOf, dispatchAt, type Dispatch, type FlexMode } from "./flexBehaviour.ts";
import { SolarDevice } from "./solarDevice.ts";

/** A simulated device: a solar meter or a battery. */
export type SimulatedDevice = SolarDevice | BatteryDevice;

export interface SimulationOpts {
  devices: number;
  capacityW: number;
  seed: number;
  /** Past intervals to report at start (within the acceptance window), so generation shows at once. */
  backfill: number;
  /** Batteries (state of charge, docs/vpp.md) besides the solar meters; default 0. */
  batteries?: number;
  /** How devices answer flex events: follow, half, ignore, or mixed (by index); default follow. */
  flex?: FlexMode;
}

export interface SimulationDeps {
  client: WsRpcClient;
  owner: Ed25519Keypair;
  registrar: Ed25519Keypair;
  log(line: string): void;
  now(): number;
}

/** A pending command as `control_pendingCommands` sends it. */
type PendingCommand = ControlCommand;

/** A device key as the client library's signer, signing with native blst (the library's own is plain JavaScript, ~20 ms a signature). */
function blstSigner(keys: BlsKeypair): BlsSigner {
  return { publicKey: keys.publicKey, sign: (message) => blsSign(keys.secretKey, message) };
}
/** Keys per state_queryStorageAt: the node's maximum. */
const QUERY_KEYS_PER_CALL = 1000;
/** Devices whose pending commands one connection may watch (the node's maximum): one subscription each. */
const WATCHED_DEVICES_PER_CONNECTION = 1024;

/**
 * Registers N simulated solar meters of one owner (countersigned by a registrar) and streams
 * their signed readings interval after interval, as a miner's gateway would.
 */
export class Simulation {
  private readonly opts: SimulationOpts;
  private readonly deps: SimulationDeps;
  readonly devices: SimulatedDevice[];
  /** Flex events received, by device id (kept until they are over). */
  private readonly dispatches = new Map<number, Dispatch[]>();
  private genesisHash: Uint8Array = new Uint8Array(32);
  private config: pogApi.PogConfig | null = null;
  readonly totals = { accepted: 0, rejected: 0, reasons: new Map<string, number>(), acknowledged: 0 };
  /** Commands received from the chain and not yet acknowledged, by id. */
  private readonly commands = new Map<number, PendingCommand>();
  private readonly acknowledging = new Set<number>();
  /** Connections opened by `watchCommands` beyond the simulator's own. */
  private readonly watchers: WsRpcClient[] = [];
  private readonly owner: Account;
  private readonly registrar: Account;

  constructor(opts: SimulationOpts, deps: SimulationDeps) {
    this.opts = opts;
    this.deps = deps;
    this.owner = accountFromSeed(deps.owner.secretSeed);
    this.registrar = accountFromSeed(deps.registrar.secretSeed);
    const mode = opts.flex ?? "follow";
    this.devices = [
      ...Array.from({ length: opts.devices }, (_, index) => new SolarDevice({ owner: deps.owner.publicKey, index, capacityW: opts.capacityW, seed: opts.seed, behaviour: behaviourOf(mode, index) })),
      ...Array.from({ length: opts.batteries ?? 0 }, (_, index) => new BatteryDevice({ owner: deps.owner.publicKey, index, capacityW: opts.capacityW, seed: opts.seed, behaviour: behaviourOf(mode, index) })),
    ];
  }

  private async storage(key: Uint8Array): Promise<Uint8Array | null> {
    const raw = await this.deps.client.call<string | null>("state_getStorage", [toHex(key)]);
    return raw === null ? null : fromHex(raw);
  }

  /** Values of many keys at the best block, a node's per-call maximum of keys at a time (one call, not one per device). */
  private async storageMany(keys: Uint8Array[]): Promise<(Uint8Array | null)[]> {
    const values: (Uint8Array | null)[] = [];
    for (let i = 0; i < keys.length; i += QUERY_KEYS_PER_CALL) {
      const chunk = keys.slice(i, i + QUERY_KEYS_PER_CALL).map(toHex);
      const [changeSet] = await this.deps.client.call<Array<{ changes: [string, string | null][] }>>("state_queryStorageAt", [chunk]);
      for (const [, value] of changeSet.changes) values.push(value === null ? null : fromHex(value));
    }
    return values;
  }

  get intervalSecs(): number {
    return (this.config as pogApi.PogConfig).readingIntervalSecs;
  }

  currentInterval(): number {
    return Math.floor(this.deps.now() / 1000 / this.intervalSecs);
  }

  /** Registers the devices that are not registered yet and waits until every one has an id. */
  async register(timeoutMs = 120_000): Promise<void> {
    const { client, owner, registrar, log } = this.deps;
    this.genesisHash = await client.api.genesisHash();
    const config = await this.storage(pogApi.POG_CONFIG_STORAGE_KEY);
    if (!config) throw new Error("the node's chain has no pog config");
    this.config = pogApi.pogConfigCodec.decode(config);
    const idKeys = (devices: SimulatedDevice[]): Uint8Array[] => devices.map((d) => devicesApi.deviceIdStorageKey(d.keys.publicKey));
    const missing: SimulatedDevice[] = [];
    const known: Array<[SimulatedDevice, number]> = [];
    (await this.storageMany(idKeys(this.devices))).forEach((id, i) => (id ? known.push([this.devices[i], bytesToU32(id)]) : missing.push(this.devices[i])));
    await this.adopt(known);
    if (missing.length > 0) {
      log(`Registering ${missing.length} devices (owner ${toHex(owner.publicKey).slice(0, 10)}…, registrar ${toHex(registrar.publicKey).slice(0, 10)}…)`);
      let nonce = await client.api.nextNonce(owner.publicKey);
      for (const d of missing) {
        const args = registrationArgs({
          genesisHash: this.genesisHash,
          owner: owner.publicKey,
          device: blstSigner(d.keys),
          kind: d.kind,
          capacityW: d.capacityW,
          location: d.location,
          registrar: this.registrar,
        });
        await submit(client.api, await signCall(client.api, this.owner, buildCall("devices.register", args), { nonce: nonce++ }));
      }
    }
    const deadline = this.deps.now() + timeoutMs;
    while (missing.length > 0) {
      const registered: Array<[SimulatedDevice, number]> = [];
      const ids = await this.storageMany(idKeys(missing));
      for (let i = ids.length - 1; i >= 0; i--) {
        const id = ids[i];
        if (id) registered.push(...missing.splice(i, 1).map((d): [SimulatedDevice, number] => [d, bytesToU32(id)]));
      }
      await this.adopt(registered);
      if (missing.length === 0) break;
      if (this.deps.now() > deadline) throw new Error("devices were not registered in time (is the registrar known to the chain?)");
      await new Promise((r) => setTimeout(r, 500));
    }
    log(`${this.devices.length} devices registered: ids ${this.devices[0]?.deviceId}…${this.devices[this.devices.length - 1]?.deviceId}`);
  }

  /** Takes over registered devices, continuing each meter from its last credited reading. */
  private async adopt(devices: Array<[SimulatedDevice, number]>): Promise<void> {
    const lasts = await this.storageMany(devices.map(([, deviceId]) => pogApi.lastReadingStorageKey(deviceId)));
    devices.forEach(([d, deviceId], i) => {
      d.deviceId = deviceId;
      const last = lasts[i];
      if (last) {
        const record = pogApi.lastReadingRecordCodec.decode(last);
        d.cumulativeWh = record.cumulativeWh;
        if ("cumulativeImportWh" in d) d.cumulativeImportWh = record.cumulativeImportWh ?? 0;
        d.lastInterval = record.interval;
      }
    });
  }

  /**
   * Subscribes to the devices' pending downlink commands (`control_subscribePending`): 1,024
   * devices per subscription, the first on the simulator's connection, the others each on a
   * connection of its own (the node's per-connection limit); `close()` closes those.
   */
  async watchCommands(): Promise<void> {
    for (let i = 0; i < this.devices.length; i += WATCHED_DEVICES_PER_CONNECTION) {
      const deviceIds = this.devices.slice(i, i + WATCHED_DEVICES_PER_CONNECTION).map((d) => d.deviceId as number);
      const client = i === 0 ? this.deps.client : await WsRpcClient.connect(this.deps.client.url);
      if (client !== this.deps.client) this.watchers.push(client);
      await client.api.subscribePendingCommands(deviceIds, (list) => {
        for (const c of list) {
          if (!this.commands.has(c.id) && !this.acknowledging.has(c.id)) {
            this.commands.set(c.id, c);
            if (c.command?.kind === "flexEvent") {
              const { eventId, payloadType, watts, startInterval, durationIntervals } = c.command;
              const list = this.dispatches.get(c.deviceId) ?? [];
              if (!list.some((d) => d.eventId === eventId)) list.push({ eventId, payloadType, watts, startInterval, durationIntervals });
              this.dispatches.set(c.deviceId, list);
            }
            this.deps.log(`device ${c.deviceId} received command ${c.id}: ${JSON.stringify(c.command)} (valid from block ${c.validFrom})`);
          }
        }
      });
    }
  }

  /** Closes the connections `watchCommands` opened (the simulator's own is the caller's). */
  close(): void {
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  /**
   * Executes and acknowledges the commands that are due: the device signs a receipt with its
   * BLS key and the owner's gateway account carries it on-chain (`control.acknowledge`). A flex
   * event is answered first (`flex.respond`, opt in) by devices that follow or half-follow; one
   * that ignores events rejects the command and sends no response.
   */
  async acknowledgeDue(): Promise<void> {
    if (this.commands.size === 0) return;
    const { client } = this.deps;
    const best = await client.api.bestNumber();
    for (const [id, c] of this.commands) {
      if (c.validFrom > best) continue;
      const device = this.devices.find((d) => d.deviceId === c.deviceId);
      if (!device) continue;
      this.commands.delete(id);
      this.acknowledging.add(id);
      const ignores = c.command?.kind === "flexEvent" && device.behaviour === "ignore";
      if (c.command?.kind === "flexEvent" && !ignores) {
        const response = flexResponseArgs(this.genesisHash, c.command.eventId, c.deviceId, ResponseStatus.OptIn, blstSigner(device.keys));
        await submit(client.api, await signCall(client.api, this.owner, buildCall("flex.respond", response)));
        this.deps.log(`device ${c.deviceId} opted in to flex event ${c.command.eventId} (${device.behaviour})`);
      }
      const status = ignores ? controlApi.ReceiptStatus.Rejected : controlApi.ReceiptStatus.Executed;
      const args = acknowledgementArgs(this.genesisHash, id, status, blstSigner(device.keys));
      await submit(client.api, await signCall(client.api, this.owner, buildCall("control.acknowledge", args)));
      this.totals.acknowledged++;
      this.deps.log(`device ${c.deviceId} ${ignores ? "rejected" : "executed"} command ${id} and sent its signed receipt`);
    }
  }

  /** Signed readings of every device for every completed interval it has not reported yet. */
  due(): pogApi.SignedReading[] {
    const config = this.config as pogApi.PogConfig;
    const now = this.currentInterval();
    const first = Math.max(now - Math.min(this.opts.backfill, config.acceptanceWindowIntervals), 0);
    const out: pogApi.SignedReading[] = [];
    for (const d of this.devices) {
      const dispatches = d.deviceId === null ? [] : (this.dispatches.get(d.deviceId) ?? []);
      for (let interval = Math.max(d.lastInterval + 1, first); interval < now; interval++) out.push(d.read(this.genesisHash, interval, this.intervalSecs, dispatchAt(dispatches, interval)));
      // Events that are over are forgotten.
      if (dispatches.length > 0 && d.deviceId !== null) this.dispatches.set(d.deviceId, dispatches.filter((x) => x.startInterval + x.durationIntervals > now));
    }
    return out;
  }

  /** Submits readings in chunks; tallies what the node accepted and why it refused the rest. */
  async submit(readings: readonly pogApi.SignedReading[]): Promise<{ accepted: number; rejected: number }> {
    let accepted = 0;
    let rejected = 0;
    for (const r of await submitReadings(this.deps.client.api, readings)) {
      if (r.accepted) accepted++;
      else {
        rejected++;
        this.totals.reasons.set(r.reason, (this.totals.reasons.get(r.reason) ?? 0) + 1);
      }
    }
    this.totals.accepted += accepted;
    this.totals.rejected += rejected;
    return { accepted, rejected };
  }
}
