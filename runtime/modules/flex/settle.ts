import type { BlockContext } from "../../framework/module.ts";
import type { StateReader } from "../../framework/state.ts";
import { repatriateReserved } from "../balances/currency.ts";
import { BalancesError } from "../balances/errors.ts";
import { Devices } from "../devices/storage.ts";
import { getAccount } from "../system/accounts.ts";
import { computeBaseline, type BaselineParams, type MeterRange } from "./baseline.ts";
import { flexEvents } from "./events.ts";
import type { ChainTime } from "./meter.ts";
import { DeviceEventDays, Events, ProgramEventDays, Responses, Settlements } from "./storage.ts";
import { targetAt, targetCount } from "./targets.ts";
import {
  amountBytes,
  amountOf,
  EventPhase,
  PayloadType,
  ResponseStatus,
  SETTLEMENT_OUTCOME_NAMES,
  SettlementOutcome,
  type EventRecord,
  type FlexConfig,
  type ProgramRecord,
  type SettlementRecord,
} from "./types.ts";

const SECONDS_PER_HOUR = 3600n;

export function baselineParams(config: FlexConfig, time: ChainTime): BaselineParams {
  return {
    intervalsPerDay: time.intervalsPerDay,
    days: config.baselineDays,
    lookbackDays: config.baselineLookbackDays,
    adjustmentIntervals: config.adjustmentIntervals,
    capPermille: config.adjustmentCapPermille,
  };
}

/** The days an event covers, ascending. */
export function eventDays(event: EventRecord, intervalsPerDay: number): number[] {
  const first = (event.startInterval - (event.startInterval % intervalsPerDay)) / intervalsPerDay;
  const lastInterval = event.startInterval + event.durationIntervals - 1;
  const last = (lastInterval - (lastInterval % intervalsPerDay)) / intervalsPerDay;
  const days: number[] = [];
  for (let d = first; d <= last; d++) days.push(d);
  return days;
}

/**
 * Whether a day is excluded from a device's baselines: the device, or its program, was dispatched
 * that day. `programDays` memoises the program's days across the devices of one settlement chunk
 * (they share the program: one read per day per chunk instead of per device).
 */
export function excludedDays(
  state: StateReader,
  deviceId: number,
  programId: number,
  programDays: Map<number, boolean> = new Map(),
  ownDays: readonly number[] = DeviceEventDays.get(state, deviceId)?.days ?? [],
): (day: number) => boolean {
  const own = new Set(ownDays);
  const program = programDays;
  return (day) => {
    if (own.has(day)) return true;
    let p = program.get(day);
    if (p === undefined) {
      p = ProgramEventDays.contains(state, programId, day);
      program.set(day, p);
    }
    return p;
  };
}

/** Energy (Wh) that `watts` held over `intervals` reading intervals amounts to, rounded down. */
export function wattsToWh(watts: number, intervals: number, readingIntervalSecs: number): bigint {
  return (BigInt(watts) * BigInt(intervals) * BigInt(readingIntervalSecs)) / SECONDS_PER_HOUR;
}

/** What a device delivered in the event's direction, before payment (docs/vpp.md, "Settlement"). */
export interface Assessment {
  outcome: number;
  baselineWh: bigint;
  meteredWh: bigint;
  deliveredWh: bigint;
}

/**
 * Compares the device's adjusted baseline with its credited energy over the event, interval by
 * interval, in the event's direction: export reduction = max(0, baseline − metered); an export
 * limit counts only the reduction down to the limit, max(0, baseline − max(metered, limit));
 * increased export = max(0, metered − baseline). An interval without a credited reading delivers
 * nothing. A charge event is settled on the import channel (docs/readings.md): increased import =
 * max(0, metered import − import baseline), the baseline computed by the same rule over the
 * device's credited import; a device with credited readings of which none read for it (the
 * lookback days and the event) reports an import channel (its import meter still 0) is
 * `NoImportChannel`; one without any, `NoBaseline` as for any event.
 */
export function assess(meter: MeterRange, excluded: (day: number) => boolean, deviceId: number, event: EventRecord, params: BaselineParams, readingIntervalSecs: number): Assessment {
  const none = (outcome: number): Assessment => ({ outcome, baselineWh: 0n, meteredWh: 0n, deliveredWh: 0n });
  const charge = event.payloadType === PayloadType.Charge;
  let readingSeen = false;
  let importSeen = false;
  const channel: MeterRange = charge
    ? (id, from, to) =>
        meter(id, from, to).map((r) => {
          readingSeen = true;
          if ((r.cumulativeImportWh ?? 0) > 0) importSeen = true;
          return { interval: r.interval, energyWh: r.importWh ?? 0 };
        })
    : meter;
  const { intervals } = computeBaseline(channel, excluded, deviceId, event.startInterval, event.durationIntervals, params);
  // Readings, but none of those the baseline read (its lookback days and the event) reports import.
  if (charge && readingSeen && !importSeen) return none(SettlementOutcome.NoImportChannel);
  if (intervals === null) return none(SettlementOutcome.NoBaseline);
  if (intervals.every((i) => i.meteredWh === undefined)) return none(SettlementOutcome.NoReadings);
  let baselineWh = 0n;
  let meteredWh = 0n;
  let deliveredWh = 0n;
  intervals.forEach((i, k) => {
    const b = BigInt(i.baselineWh);
    baselineWh += b;
    if (i.meteredWh === undefined) return;
    const m = BigInt(i.meteredWh);
    meteredWh += m;
    let d = 0n;
    if (event.payloadType === PayloadType.ReduceExport) d = b - m;
    else if (event.payloadType === PayloadType.IncreaseExport || event.payloadType === PayloadType.Charge) d = m - b;
    else if (event.payloadType === PayloadType.ExportLimit) {
      const limit = wattsToWh(event.intervals[k]?.watts ?? 0, 1, readingIntervalSecs);
      d = b - (m > limit ? m : limit);
    }
    if (d > 0n) deliveredWh += d;
  });
  return { outcome: deliveredWh > 0n ? SettlementOutcome.Paid : SettlementOutcome.NothingDelivered, baselineWh, meteredWh, deliveredWh };
}

/** Adds the event's days to the device's, keeping those within the baseline's reach (older ones can no longer exclude anything); returns them. */
function rememberDays(state: BlockContext["state"], deviceId: number, days: number[], keepFrom: number): number[] {
  const known = DeviceEventDays.get(state, deviceId)?.days ?? [];
  const merged = [...new Set([...known, ...days])].filter((d) => d >= keepFrom).sort((a, b) => a - b);
  DeviceEventDays.set(state, deviceId, { days: merged });
  return merged;
}

/**
 * Moves `amount` from the operator's reserve to the owner's free balance; false, with nothing
 * changed, when the owner's account would stay below the existential deposit. The owner's account
 * is read once, by the transfer itself (which refuses before writing anything), instead of once
 * to check and once to pay: a trie read is a tenth of a settled device. An owner who is the
 * operator is checked first, as the transfer does not check an account paying itself.
 */
function payOwner(ctx: BlockContext, operator: Uint8Array, owner: Uint8Array, amount: bigint): boolean {
  if (Buffer.compare(operator, owner) === 0) {
    const account = getAccount(ctx.state, owner);
    if (account.free + account.reserved + amount < ctx.config.existentialDeposit) return false;
  }
  try {
    repatriateReserved(ctx, operator, owner, amount);
    return true;
  } catch (e) {
    if (e instanceof BalancesError && e.code === "ExistentialDeposit") return false;
    throw e;
  }
}

/**
 * A program's budget and paid total while a chunk settles, as integers: encoded into the program
 * record once per chunk instead of once per paid device (the minimal big-endian encoding goes
 * through a hex string and was ≈ 8 % of a settled device).
 */
interface Purse {
  budget: bigint;
  paid: bigint;
}

/**
 * Settles one target: marks the event's days on the device, assesses it, and pays
 * `⌊min(delivered, committed) × price / 1000⌋` (price per kWh, energy in Wh) to its owner from
 * the program's reserved budget — what is left of it, never more. Returns the amount paid.
 */
function settleDevice(
  ctx: BlockContext,
  eventId: number,
  event: EventRecord,
  program: ProgramRecord,
  { deviceId, committedW: committedWatts }: { deviceId: number; committedW: number },
  meter: MeterRange,
  params: BaselineParams,
  time: ChainTime,
  programDays: Map<number, boolean>,
  purse: Purse,
): bigint {
  const device = Devices.get(ctx.state, deviceId);
  if (!device) return 0n;
  const days = eventDays(event, time.intervalsPerDay);
  const ownDays = rememberDays(ctx.state, deviceId, days, days[0] - params.lookbackDays);
  const committedWh = wattsToWh(committedWatts, event.durationIntervals, time.readingIntervalSecs);
  const response = Responses.get(ctx.state, eventId, deviceId);
  const assessed: Assessment =
    response?.status === ResponseStatus.OptOut
      ? { outcome: SettlementOutcome.OptedOut, baselineWh: 0n, meteredWh: 0n, deliveredWh: 0n }
      : assess(meter, excludedDays(ctx.state, deviceId, event.programId, programDays, ownDays), deviceId, event, params, time.readingIntervalSecs);
  let outcome = assessed.outcome;
  let amount = 0n;
  if (outcome === SettlementOutcome.Paid) {
    const credited = assessed.deliveredWh < committedWh ? assessed.deliveredWh : committedWh;
    const due = (credited * amountOf(event.pricePerKwh)) / 1000n;
    const budget = purse.budget;
    amount = due < budget ? due : budget;
    if (amount === 0n && due > 0n) outcome = SettlementOutcome.BudgetExhausted;
    else if (amount > 0n && !payOwner(ctx, program.operator, device.owner, amount)) {
      outcome = SettlementOutcome.OwnerBelowDeposit;
      amount = 0n;
    }
    if (amount > 0n) {
      purse.budget = budget - amount;
      purse.paid += amount;
    }
  }
  const rawScore = committedWh === 0n ? 0n : (assessed.deliveredWh * 1000n) / committedWh;
  const scorePermille = Number(rawScore > 0xffffffffn ? 0xffffffffn : rawScore);
  const record: SettlementRecord = {
    outcome,
    baselineWh: Number(assessed.baselineWh),
    meteredWh: Number(assessed.meteredWh),
    deliveredWh: Number(assessed.deliveredWh),
    committedWh: Number(committedWh),
    amount: amountBytes(amount),
    scorePermille,
    owner: device.owner,
  };
  Settlements.set(ctx.state, eventId, deviceId, record);
  flexEvents.deposit(ctx, "DeviceSettled", { eventId, deviceId, outcome: SETTLEMENT_OUTCOME_NAMES[outcome], deliveredWh: assessed.deliveredWh, amount, scorePermille });
  return amount;
}

/**
 * Settles up to `budget` targets of an event from its cursor, in target order (member number for
 * the fleet, list order otherwise): the order in which a short budget is spent. Returns the
 * targets visited; the event becomes `Settled` once all are (the caller removes it from the open
 * events and the program's).
 */
export function settleChunk(ctx: BlockContext, eventId: number, event: EventRecord, program: ProgramRecord, meter: MeterRange, params: BaselineParams, time: ChainTime, budget: number): number {
  const total = targetCount(event);
  const programDays = new Map<number, boolean>();
  const purse: Purse = { budget: amountOf(program.budget), paid: amountOf(program.paid) };
  let eventPaid = amountOf(event.paid);
  let visited = 0;
  while (visited < budget && event.cursor < total) {
    const target = targetAt(ctx.state, event, event.cursor);
    event.cursor++;
    visited++;
    if (target === null) continue;
    const paid = settleDevice(ctx, eventId, event, program, target, meter, params, time, programDays, purse);
    if (paid > 0n) {
      event.settledDevices++;
      eventPaid += paid;
    }
  }
  program.budget = amountBytes(purse.budget);
  program.paid = amountBytes(purse.paid);
  event.paid = amountBytes(eventPaid);
  if (event.cursor >= total) event.phase = EventPhase.Settled;
  Events.set(ctx.state, eventId, event);
  return visited;
}
