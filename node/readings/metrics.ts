import { Counter, Gauge, type Registry } from "prom-client";
import type { ReadingPoolRejection } from "./types.ts";

export interface ReadingsPoolMetrics {
  setSize(size: number): void;
  accepted(count: number): void;
  rejected(reason: ReadingPoolRejection): void;
  included(count: number): void;
}

export function createReadingsPoolMetrics(register: Registry): ReadingsPoolMetrics {
  const size = new Gauge({ name: "arkreen_readings_pool_size", help: "Verified readings waiting for a block", registers: [register] });
  const accepted = new Counter({ name: "arkreen_readings_accepted_total", help: "Readings accepted into the pool", registers: [register] });
  const rejected = new Counter({ name: "arkreen_readings_rejected_total", help: "Readings refused by the pool", labelNames: ["reason"], registers: [register] });
  const included = new Counter({ name: "arkreen_readings_included_total", help: "Readings included in imported best blocks", registers: [register] });
  return {
    setSize: (n) => size.set(n),
    accepted: (n) => accepted.inc(n),
    rejected: (reason) => rejected.inc({ reason }),
    included: (n) => included.inc(n),
  };
}
