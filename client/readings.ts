import { toHex } from "../primitives/bytes.ts";
import { readingSigningRoot, signedReadingCodec, type Reading, type SignedReading } from "../runtime/wire.ts";
import type { BlsSigner } from "./bls.ts";
import type { ArkreenClient } from "./client.ts";
import { ClientError } from "./errors.ts";
import type { ReadingSubmission } from "./types.ts";

/** Readings per `pog_submitReadings` call (the node takes up to 1,000). */
export const READINGS_PER_CALL = 1000;

const U32 = 0xffffffff;

/** Signs a device's reading with its BLS key (docs/readings.md); `BAD_INPUT` for a reading that cannot be encoded. */
export function signReading(genesisHash: Uint8Array, reading: Reading, device: BlsSigner): SignedReading {
  for (const field of ["deviceId", "interval", "energyWh", "peakW"] as const) {
    const v = reading[field];
    if (!Number.isSafeInteger(v) || v < 0 || v > U32) throw new ClientError("BAD_INPUT", `reading.${field}: expected a u32, got ${v}`, { field, value: v });
  }
  if (reading.importWh !== undefined && (!Number.isSafeInteger(reading.importWh) || reading.importWh < 0 || reading.importWh > U32)) {
    throw new ClientError("BAD_INPUT", `reading.importWh: expected a u32, got ${reading.importWh}`, { field: "importWh", value: reading.importWh });
  }
  for (const field of ["cumulativeWh", "cumulativeImportWh"] as const) {
    const v = reading[field];
    if (field === "cumulativeImportWh" && v === undefined) continue;
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw new ClientError("BAD_INPUT", `reading.${field}: expected a non-negative safe integer, got ${v}`, { field });
  }
  return { reading, signature: device.sign(readingSigningRoot(genesisHash, reading)) };
}

/** Submits signed readings as a gateway does (`pog_submitReadings`, in calls of 1,000): one answer per reading, in order. */
export async function submitReadings(client: ArkreenClient, readings: readonly SignedReading[]): Promise<ReadingSubmission[]> {
  const out: ReadingSubmission[] = [];
  for (let i = 0; i < readings.length; i += READINGS_PER_CALL) {
    const chunk = readings.slice(i, i + READINGS_PER_CALL).map((r) => toHex(signedReadingCodec.encode(r)));
    const answers = await client.call<ReadingSubmission[]>("pog_submitReadings", [chunk]);
    if (!Array.isArray(answers) || answers.length !== chunk.length) throw new ClientError("BAD_RESPONSE", `pog_submitReadings: expected ${chunk.length} answers`, { sent: chunk.length });
    out.push(...answers);
  }
  return out;
}

/** The interval index of a moment (unix ms), for the chain's `readingIntervalSecs`. */
export function intervalAt(unixMs: number, readingIntervalSecs: number): number {
  return Math.floor(unixMs / 1000 / readingIntervalSecs);
}

