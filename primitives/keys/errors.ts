import { ArkreenError } from "../errors.ts";

/**
 * Why an address could not be decoded. The codes follow Substrate's `PublicError` variants
 * (`BadBase58`, `BadLength`, `InvalidChecksum`, `InvalidPrefix`, `FormatNotAllowed`) so that an
 * operator who knows `subkey` recognises them.
 */
export type AddressErrorType =
  | { code: "INVALID_ADDRESS"; address: string; reason: string }
  | { code: "BAD_LENGTH"; address: string; length: number }
  | { code: "BAD_CHECKSUM"; address: string }
  | { code: "INVALID_PREFIX"; address: string; firstByte: number }
  | { code: "RESERVED_PREFIX"; prefix: number; address?: string }
  | { code: "PREFIX_MISMATCH"; address: string; prefix: number; expectedPrefix: number }
  | { code: "PREFIX_OUT_OF_RANGE"; prefix: number };

export class AddressError extends ArkreenError<AddressErrorType> {}

/**
 * Why a secret URI could not be turned into a keypair. The data never carries the phrase, the seed
 * or the password: these errors end up in logs.
 */
export type SecretUriErrorType =
  | { code: "INVALID_FORMAT"; position: number }
  | { code: "INVALID_PHRASE"; reason: string }
  | { code: "INVALID_SEED"; reason: string }
  | { code: "SOFT_JUNCTION" }
  | { code: "UNKNOWN_DEV_ACCOUNT"; name: string };

export class SecretUriError extends ArkreenError<SecretUriErrorType> {}
