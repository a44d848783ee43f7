/**
 * How a simulated device answers the flex module's events (docs/vpp.md): it follows them, does
 * half of what they ask, or ignores them. `mixed` cycles follow, half, ignore by device index,
 * so that one simulation shows all three on a dev chain.
 */
export type FlexBehaviour = "follow" | "half" | "ignore";
export type FlexMode = FlexBehaviour | "mixed";

export const FLEX_MODES: readonly FlexMode[] = ["follow", "half", "ignore", "mixed"];

export function behaviourOf(mode: FlexMode, index: number): FlexBehaviour {
  if (mode !== "mixed") return mode;
  return (["follow", "half", "ignore"] as const)[index % 3];
}

/** The share of an event's request a device carries out. */
export function shareOf(behaviour: FlexBehaviour): number {
  return behaviour === "follow" ? 1 : behaviour === "half" ? 0.5 : 0;
}

/** An event as the device received it (a `flexEvent` downlink command). */
export interface Dispatch {
  eventId: number;
  /** flex PayloadType: 1 REDUCE_EXPORT, 2 INCREASE_EXPORT, 3 CHARGE, 4 EXPORT_LIMIT. */
  payloadType: number;
  watts: number;
  startInterval: number;
  durationIntervals: number;
}

/** The dispatch that covers `interval`, if any (events of one device never overlap). */
export function dispatchAt(dispatches: readonly Dispatch[], interval: number): Dispatch | undefined {
  return dispatches.find((d) => interval >= d.startInterval && interval < d.startInterval + d.durationIntervals);
}

/** Power exported after a device's response to `dispatch` (REDUCE_EXPORT and EXPORT_LIMIT; other payloads are the caller's). */
export function curtailed(powerW: number, dispatch: Dispatch | undefined, share: number): number {
  if (!dispatch || share === 0) return powerW;
  if (dispatch.payloadType === 1) return powerW - Math.min(powerW, dispatch.watts) * share;
  if (dispatch.payloadType === 4 && powerW > dispatch.watts) return powerW - (powerW - dispatch.watts) * share;
  return powerW;
}
