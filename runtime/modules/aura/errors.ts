import { ArkreenError } from "../../../primitives/errors.ts";

/** The block itself is invalid (Substrate would panic in the runtime): import rejects it. */
export type AuraErrorType =
  | { code: "MISSING_SLOT" }
  | { code: "SLOT_NOT_INCREASING"; slot: bigint; previous: bigint }
  | { code: "NO_AUTHORITIES" };

export class AuraError extends ArkreenError<AuraErrorType> {}
