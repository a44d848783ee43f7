/**
 * A TestChain for the flex module: hourly reading intervals (24 a day, as live chains) with a
 * day's acceptance window, devices written straight into state, and readings fed through blocks
 * (pog credits them; flex reads them back through pog's queries only).
 */
import { toHex, utf8 } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../primitives/blsKeys.ts";
import type { Call, MessageCodec } from "../../primitives/codec/index.ts";
import { blake2b128 } from "../../primitives/hash.ts";
import { devChainSpec } from "../../genesis/presets.ts";
import type { ChainSpec } from "../../genesis/chainSpec.ts";
import { applyStateChanges } from "../../node/chain/chain.ts";
import type { ApplyOutcome } from "../../runtime/executive.ts";
import { OverlayState } from "../../runtime/framework/state.ts";
import { Devices, DevicesByOwner } from "../../runtime/modules/devices/storage.ts";
import { DeviceKind, DeviceStatus, type DeviceRecord } from "../../runtime/modules/devices/types.ts";
import { flexResponseMessage } from "../../runtime/modules/flex/response.ts";
import { readingCodec, type Reading } from "../../runtime/modules/pog/types.ts";
import { bigintToBytes } from "../../primitives/bytes.ts";
import {
  createEventArgs,
  createProgramArgs,
  enrolArgs,
  leaveArgs,
  PayloadType,
  programIdArgs,
  respondArgs,
  topUpArgs,
  type FlexCreateEventArgs,
  type FlexCreateProgramArgs,
} from "../../runtime/modules/flex/types.ts";
import { TestChain, expectApplied, publicKeyOf } from "./runtime.ts";

export const INTERVAL_SECS = 3600;
export const PER_DAY = 24;
export const WINDOW = 24;
/** Dev slots are 2 s: 1,800 slots per hourly interval. */
const SLOTS_PER_INTERVAL = BigInt((INTERVAL_SECS * 1000) / 2000);

export function flexSpec(flex: Record<string, unknown> = {}): ChainSpec {
  const spec = devChainSpec();
  const config = (spec.genesis as { runtimeGenesis: { config: Record<string, Record<string, unknown>> } }).runtimeGenesis.config;
  config.pog = { ...config.pog, readingIntervalSecs: INTERVAL_SECS, acceptanceWindowIntervals: WINDOW };
  config.flex = { ...config.flex, maxLeadIntervals: 7 * PER_DAY, ...flex };
  return spec;
}

export function deviceKey(id: number): BlsKeypair {
  return blsKeypairFromSeed(new Uint8Array(32).fill(id + 1));
}

export function flexCall<A extends object>(method: string, codec: MessageCodec<A>, args: A): Call {
  return { module: "flex", method, args: codec.encode(args) };
}

export function amount(v: bigint): Uint8Array {
  return bigintToBytes(v);
}

export function programArgs(fields: Partial<FlexCreateProgramArgs> = {}): FlexCreateProgramArgs {
  return { name: "peak shave", deviceKinds: [DeviceKind.SolarPv, DeviceKind.Battery], region: "u0", pricePerKwh: amount(1_000_000n), budget: amount(10n ** 12n), baselineMethod: 1, maxEventIntervals: 4, ...fields };
}

export function eventArgs(fields: Partial<FlexCreateEventArgs> & { startInterval: number }): FlexCreateEventArgs {
  const duration = fields.durationIntervals ?? 2;
  return {
    programId: 0,
    wholeFleet: true,
    deviceIds: [],
    durationIntervals: duration,
    payloadType: PayloadType.ReduceExport,
    intervals: Array.from({ length: duration }, () => ({ watts: 500 })),
    pricePerKwh: new Uint8Array(0),
    ...fields,
  };
}

export const calls = {
  createProgram: (a: FlexCreateProgramArgs) => flexCall("createProgram", createProgramArgs, a),
  topUp: (programId: number, value: bigint) => flexCall("topUp", topUpArgs, { programId, amount: amount(value) }),
  pause: (programId: number) => flexCall("pause", programIdArgs, { programId }),
  resume: (programId: number) => flexCall("resume", programIdArgs, { programId }),
  close: (programId: number) => flexCall("close", programIdArgs, { programId }),
  enrol: (programId: number, deviceId: number, committedW: number) => flexCall("enrol", enrolArgs, { programId, deviceId, committedW }),
  leave: (deviceId: number) => flexCall("leave", leaveArgs, { deviceId }),
  createEvent: (a: FlexCreateEventArgs) => flexCall("createEvent", createEventArgs, a),
  respond: (eventId: number, deviceId: number, status: number, signature: Uint8Array) => flexCall("respond", respondArgs, { eventId, deviceId, status, signature }),
};

export class FlexChain extends TestChain {
  /** Each device's meter, for consistent cumulative readings. */
  private meters = new Map<number, bigint>();
  /** Each device's import meter (docs/readings.md), for devices fed with an import channel. */
  private importMeters = new Map<number, bigint>();
  private fed = -1;

  constructor(flex: Record<string, unknown> = {}) {
    super(flexSpec(flex));
  }

  write(fill: (state: OverlayState) => void): void {
    const overlay = new OverlayState(this.state());
    fill(overlay);
    const { root, nodes } = applyStateChanges(this.state(), overlay.changes());
    this.store.putNodes(nodes);
    this.head = { ...this.head, header: { ...this.head.header, stateRoot: root } };
  }

  putDevice(id: number, owner: string, fields: Partial<DeviceRecord> = {}): DeviceRecord {
    const record: DeviceRecord = {
      owner: publicKeyOf(owner),
      blsKey: deviceKey(id).publicKey,
      kind: DeviceKind.SolarPv,
      capacityW: 5_000,
      location: "u0yjjd",
      status: DeviceStatus.Active,
      registrar: publicKeyOf("Alice"),
      registeredAt: 0,
      ...fields,
    };
    this.write((s) => {
      Devices.set(s, id, record);
      DevicesByOwner.set(s, record.owner, id, true);
    });
    return record;
  }

  /** The last interval readings were fed for (-1: none). */
  fedUpTo(): number {
    return this.fed;
  }

  /** A chain that goes on from this one's head independently (the node store is content-addressed and shared). */
  fork(): FlexChain {
    const copy = Object.assign(Object.create(FlexChain.prototype) as FlexChain, this);
    copy.meters = new Map(this.meters);
    copy.importMeters = new Map(this.importMeters);
    copy.settledAt = new Map(this.settledAt);
    return copy;
  }

  /** The block each event settled in (its `flex.EventSettled`), over the blocks this chain produced. */
  settledAt = new Map<number, number>();

  override produceBlock(candidates: Uint8Array[], opts: { slot?: bigint; readings?: Uint8Array[] } = {}): ReturnType<TestChain["produceBlock"]> {
    const block = super.produceBlock(candidates, opts);
    for (const e of this.events()) if (e.module === "flex" && e.name === "EventSettled") this.settledAt.set((e.data as { eventId: number }).eventId, this.head.header.number);
    return block;
  }

  /** The reading interval of the head block. */
  now(): number {
    return Number(this.head.slot / SLOTS_PER_INTERVAL);
  }

  /** Produces a block (with `candidates`) in the first slot of interval `interval`. */
  blockAt(interval: number, candidates: Uint8Array[] = [], readings: Uint8Array[] = []): ReturnType<TestChain["produceBlock"]> {
    const slot = BigInt(interval) * SLOTS_PER_INTERVAL;
    return this.produceBlock(candidates, { slot: slot > this.head.slot ? slot : this.head.slot + 1n, readings });
  }

  /** Applies one extrinsic in a new block (same interval as the head) and returns its outcome. */
  exec(signer: string, call: Call): ApplyOutcome {
    const nonce = this.account(publicKeyOf(signer)).nonce;
    return expectApplied(this.produceBlock([this.sign(signer, call, { nonce })]).results[0]);
  }

  /**
   * Feeds readings for intervals [from, to] of `devices`, `energy(device, interval)` Wh each (no
   * reading where it returns undefined), in blocks of at most a window's intervals, each block in
   * the interval after its last reading. With `imports`, each reading also carries the import
   * channel: `imports(device, interval)` Wh imported (undefined: the generator form).
   */
  feed(
    devices: number[],
    from: number,
    to: number,
    energy: (deviceId: number, interval: number) => number | undefined,
    imports: (deviceId: number, interval: number) => number | undefined = () => undefined,
  ): void {
    for (let lo = from; lo <= to; lo += WINDOW) {
      const hi = Math.min(to, lo + WINDOW - 1);
      const readings: Uint8Array[] = [];
      for (const d of devices) {
        for (let t = lo; t <= hi; t++) {
          const e = energy(d, t);
          if (e === undefined) continue;
          const cumulative = (this.meters.get(d) ?? 0n) + BigInt(e);
          this.meters.set(d, cumulative);
          if (t > this.fed) this.fed = t;
          const importWh = imports(d, t);
          const reading: Reading = { deviceId: d, interval: t, cumulativeWh: Number(cumulative), energyWh: e, peakW: e };
          if (importWh !== undefined) {
            // The import meter starts at 1,000,000 Wh: a channel's first value is whatever the meter reads.
            const cumulativeImport = (this.importMeters.get(d) ?? 1_000_000n) + BigInt(importWh);
            this.importMeters.set(d, cumulativeImport);
            Object.assign(reading, { importWh, cumulativeImportWh: Number(cumulativeImport) });
          }
          readings.push(readingCodec.encode(reading));
        }
      }
      this.blockAt(hi + 1, [], readings);
    }
  }

  response(eventId: number, deviceId: number, status: number, key: BlsKeypair = deviceKey(deviceId)): Uint8Array {
    return blsSign(key.secretKey, flexResponseMessage(this.genesis.hash, eventId, deviceId, status));
  }

  /** The fee the head block's (single) extrinsic paid, from its TransactionFeePaid event. */
  lastFee(): bigint {
    const paid = this.events().find((e) => e.module === "transactionPayment" && e.name === "TransactionFeePaid");
    return BigInt(paid?.data.actualFee as string) + BigInt(paid?.data.tip as string);
  }

  /** Every flex storage entry, hex, for "nothing changed" checks. */
  flexState(): string[] {
    const out: string[] = [];
    for (const [k, v] of this.state().entries(blake2b128(utf8("flex")))) out.push(`${toHex(k)}=${toHex(v)}`);
    return out;
  }
}
