import { ArkreenError } from "../../primitives/errors.ts";

export type JustificationErrorType =
  | { code: "JUSTIFICATION_WRONG_SET"; setId: number; expectedSetId: number }
  | { code: "JUSTIFICATION_BAD_BITFIELD"; length: number; expectedLength: number }
  | { code: "JUSTIFICATION_INSUFFICIENT_WEIGHT"; weight: bigint; totalWeight: bigint }
  | { code: "JUSTIFICATION_BAD_SIGNATURE" };

/** Why a finality justification does not prove its block final. */
export class JustificationError extends ArkreenError<JustificationErrorType> {}
