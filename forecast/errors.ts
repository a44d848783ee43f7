import { ArkreenError } from "../primitives/errors.ts";

export type ForecastErrorType = { code: "DEVICE_NOT_FOUND"; deviceId: number } | { code: "BAD_LOCATION"; deviceId: number; location: string };

/** Why a device cannot be forecast: no such device at the finalized head, or a location that is not a geohash. */
export class ForecastError extends ArkreenError<ForecastErrorType> {}
