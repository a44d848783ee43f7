import { moduleEvents } from "../../framework/events.ts";

export interface SudoEvents {
  /** The wrapped call (`module.method`) and its outcome: `module` and `error` name the failure, null on success. */
  Sudid: { call: string; result: string; module: string | null; error: string | null };
  KeyChanged: { old: Uint8Array; new: Uint8Array };
}

export const sudoEvents = moduleEvents<SudoEvents>("sudo", {
  Sudid: { call: "string", result: "string", module: "string|null", error: "string|null" },
  KeyChanged: { old: "bytes", new: "bytes" },
});
