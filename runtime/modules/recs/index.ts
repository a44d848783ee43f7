import type { RuntimeModule } from "../../framework/module.ts";
import { addIssuer, cancel, certify, reject, removeIssuer, request, retire, transfer } from "./calls.ts";
import { recsGenesis } from "./genesis.ts";

/** Renewable-energy certificates over verified generation: each (device, interval) certified at most once. */
export const recsModule: RuntimeModule = {
  name: "recs",
  calls: { addIssuer, removeIssuer, request, certify, reject, cancel, transfer, retire },
  genesis: recsGenesis,
};
