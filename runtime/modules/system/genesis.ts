import { config as read } from "../../framework/genesisConfig.ts";
import type { ModuleGenesis } from "../../framework/module.ts";
import { BlockNumber, Config } from "./storage.ts";

/**
 * `system` section: `{ slotDurationMs, maxBlockExtrinsics, maxBlockWeight, maxBlockBytes,
 * maxExtrinsicBytes }`. The runtime config it stores also gathers the chain-wide parameters of
 * sections without a module of their own — `transactionPayment` (the executive's fee rates) and
 * `treasury` — and `balances.existentialDeposit`, which the executive and every module read from it.
 */
export const systemGenesis: ModuleGenesis = {
  build(state, section, { sections, ss58Format }) {
    const s = read.object(section, "system");
    const tp = read.object(sections.transactionPayment, "transactionPayment");
    const b = read.object(sections.balances, "balances");
    Config.set(state, {
      slotDurationMs: read.uint(s.slotDurationMs, "system.slotDurationMs", { min: 1 }),
      existentialDeposit: read.amount(b.existentialDeposit, "balances.existentialDeposit"),
      baseFee: read.amount(tp.baseFee, "transactionPayment.baseFee"),
      lengthFeePerByte: read.amount(tp.lengthFeePerByte, "transactionPayment.lengthFeePerByte"),
      weightFeePerUnit: read.amount(tp.weightFeePerUnit, "transactionPayment.weightFeePerUnit"),
      feeBurnPercent: read.uint(tp.feeBurnPercent, "transactionPayment.feeBurnPercent", { max: 100 }),
      treasury: read.account(read.object(sections.treasury, "treasury").account, "treasury.account"),
      maxBlockExtrinsics: read.uint(s.maxBlockExtrinsics, "system.maxBlockExtrinsics"),
      maxBlockWeight: BigInt(read.uint(s.maxBlockWeight, "system.maxBlockWeight", { min: 1, max: Number.MAX_SAFE_INTEGER })),
      maxBlockBytes: read.uint(s.maxBlockBytes, "system.maxBlockBytes"),
      maxExtrinsicBytes: read.uint(s.maxExtrinsicBytes, "system.maxExtrinsicBytes"),
      ss58Format,
    });
    BlockNumber.set(state, 0);
  },
};
