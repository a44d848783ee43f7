import { moduleEvents } from "../../framework/events.ts";

/** The pog module's events, deposited when a block's readings are applied. */
export interface PogEvents {
  /** `reason` names the rule the reading broke (rules.ts). */
  ReadingRejected: { deviceId: number; interval: number; reason: string };
  /** The block's accepted readings, summed. */
  ReadingsCredited: { count: number; energyWh: number; epoch: number };
}

export const pogEvents = moduleEvents<PogEvents>("pog", {
  ReadingRejected: { deviceId: "number", interval: "number", reason: "string" },
  ReadingsCredited: { count: "number", energyWh: "number", epoch: "number" },
});
