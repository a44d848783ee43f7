import { ArkreenError } from "../../primitives/errors.ts";

export type TestnetErrorType =
  | { code: "VALIDATOR_COUNT_MISMATCH"; requested: number; authorities: number; chain: string }
  | { code: "UNKNOWN_AUTHORITY"; authority: string }
  | { code: "RAW_SPEC"; chain: string }
  | { code: "SPEC_CONFLICT"; path: string; reason: string }
  | { code: "PORT_IN_USE"; port: number; node: string; use: string };

export class TestnetError extends ArkreenError<TestnetErrorType> {}
