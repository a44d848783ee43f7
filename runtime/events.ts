import type { EventRecord } from "../primitives/codec/index.ts";
import { checkEventData, EventDecodeError, type DecodedEvents, type ModuleEvents } from "./framework/events.ts";
import { balancesEvents, type BalancesEvents } from "./modules/balances/events.ts";
import { controlEvents, type ControlEvents } from "./modules/control/events.ts";
import { devicesEvents, type DevicesEvents } from "./modules/devices/events.ts";
import { flexEvents, type FlexEvents } from "./modules/flex/events.ts";
import { pogEvents, type PogEvents } from "./modules/pog/events.ts";
import { recsEvents, type RecsEvents } from "./modules/recs/events.ts";
import { rewardsEvents, type RewardsEvents } from "./modules/rewards/events.ts";
import { stakingEvents, type StakingEvents } from "./modules/staking/events.ts";
import { sudoEvents, type SudoEvents } from "./modules/sudo/events.ts";
import { systemEvents, transactionPaymentEvents, type SystemEvents, type TransactionPaymentEvents } from "./modules/system/events.ts";

export { EventDecodeError, type EventDecodeErrorType } from "./framework/events.ts";

/** Every event of this runtime, by the module name its records carry. */
interface RuntimeEvents {
  system: SystemEvents;
  transactionPayment: TransactionPaymentEvents;
  balances: BalancesEvents;
  devices: DevicesEvents;
  pog: PogEvents;
  rewards: RewardsEvents;
  staking: StakingEvents;
  control: ControlEvents;
  recs: RecsEvents;
  flex: FlexEvents;
  sudo: SudoEvents;
}

/** Keyed by the name each module deposits under (a test checks that `key === entry.module`). */
export const RUNTIME_EVENTS: { readonly [M in keyof RuntimeEvents]: ModuleEvents<RuntimeEvents[M]> } = {
  system: systemEvents,
  transactionPayment: transactionPaymentEvents,
  balances: balancesEvents,
  devices: devicesEvents,
  pog: pogEvents,
  rewards: rewardsEvents,
  staking: stakingEvents,
  control: controlEvents,
  recs: recsEvents,
  flex: flexEvents,
  sudo: sudoEvents,
};

/**
 * An event as RPC and clients read it: its module, name and fields, with bigints as decimal
 * strings and bytes as 0x-hex (the stored JSON). Narrow on `module` and `name` to get the fields.
 */
export type RuntimeEvent = { [M in keyof RuntimeEvents]: DecodedEvents<M, RuntimeEvents[M]> }[keyof RuntimeEvents];

/** Reads a stored event record; throws `EventDecodeError` for an event this runtime does not declare or malformed data. */
export function decodeEvent(record: EventRecord): RuntimeEvent {
  const { module, name } = record;
  if (!Object.hasOwn(RUNTIME_EVENTS, module)) throw new EventDecodeError({ code: "UNKNOWN_MODULE", module });
  const schema: Readonly<Record<string, Readonly<Record<string, string>>>> = RUNTIME_EVENTS[module as keyof RuntimeEvents].schema;
  if (!Object.hasOwn(schema, name)) throw new EventDecodeError({ code: "UNKNOWN_EVENT", module, name });
  return { module, name, data: checkEventData(record, schema[name]) } as RuntimeEvent;
}
