import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface ChainMetrics {
  setHeights(best: number, finalized: number): void;
  blockImported(seconds: number): void;
}

/** Substrate's names, so existing dashboards work: `substrate_block_height{status}`. */
export function createChainMetrics(register: Registry): ChainMetrics {
  const height = new Gauge({ name: "substrate_block_height", help: "Block height info of the chain", labelNames: ["status"], registers: [register] });
  const importTime = new Histogram({
    name: "arkreen_block_import_seconds",
    help: "Time to verify, execute and commit one block",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });
  const imported = new Counter({ name: "arkreen_blocks_imported_total", help: "Blocks imported", registers: [register] });
  return {
    setHeights(best, finalized) {
      height.set({ status: "best" }, best);
      height.set({ status: "finalized" }, finalized);
    },
    blockImported(seconds) {
      importTime.observe(seconds);
      imported.inc();
    },
  };
}
