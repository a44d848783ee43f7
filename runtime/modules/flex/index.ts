import type { RuntimeModule } from "../../framework/module.ts";
import { close, createEvent, createProgram, enrol, leave, pause, respond, resume, topUp } from "./calls.ts";
import { flexGenesis } from "./genesis.ts";
import { onFinalize } from "./hooks.ts";

/** Virtual power plant: programs, enrolments, dispatch events, signed responses, settlement from verified readings (docs/vpp.md). */
export const flexModule: RuntimeModule = {
  name: "flex",
  calls: { createProgram, topUp, pause, resume, close, enrol, leave, createEvent, respond },
  hooks: { onFinalize },
  genesis: flexGenesis,
};
