import type { RuntimeModule } from "../../framework/module.ts";
import { acknowledge, cancel, setOperator, submit } from "./calls.ts";
import { controlGenesis } from "./genesis.ts";
import { onFinalize } from "./hooks.ts";

/** Downlink: commands from a device's owner or operator, acknowledged by the device's signed receipt. */
export const controlModule: RuntimeModule = {
  name: "control",
  calls: { setOperator, submit, acknowledge, cancel },
  hooks: { onFinalize },
  genesis: controlGenesis,
};
