import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface ChainMetrics {
  setHeights(best: number, finalized: number): void;
  blockImported(seconds: number): void;
  /** A block import refused with `code`, after `seconds` spent on it. */
  blockRefused(code: string, seconds: number): void;
  /** One readings-aggregate pairing over `signatures` readings. */
  readingsPairing(signatures: number, seconds: number, valid: boolean): void;
  /** A (slot, author) that sealed two headers. */
  blockEquivocation(): void;
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
  const refused = new Counter({ name: "arkreen_block_import_refused_total", help: "Block imports refused, by BlockImportError code", labelNames: ["code"], registers: [register] });
  const refusedTime = new Histogram({
    name: "arkreen_block_import_refused_seconds",
    help: "Time spent on a block import that was refused",
    buckets: [0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });
  const pairings = new Counter({ name: "arkreen_block_readings_pairings_total", help: "Readings-aggregate pairings run by block import, by result", labelNames: ["result"], registers: [register] });
  const pairedReadings = new Counter({ name: "arkreen_block_readings_paired_total", help: "Readings covered by block import's aggregate pairings", registers: [register] });
  const pairingTime = new Histogram({
    name: "arkreen_block_readings_pairing_seconds",
    help: "Wall time of one readings-aggregate pairing (on the BLS workers)",
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });
  const equivocations = new Counter({ name: "arkreen_block_equivocations_total", help: "Authors seen sealing two headers for one slot", registers: [register] });
  return {
    blockRefused(code, seconds) {
      refused.inc({ code });
      refusedTime.observe(seconds);
    },
    readingsPairing(signatures, seconds, valid) {
      pairings.inc({ result: valid ? "valid" : "invalid" });
      pairedReadings.inc(signatures);
      pairingTime.observe(seconds);
    },
    blockEquivocation() {
      equivocations.inc();
    },
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
