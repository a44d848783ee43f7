import { InvalidBlock } from "../../framework/errors.ts";
import type { StateReader } from "../../framework/state.ts";
import { Config } from "./storage.ts";
import { readingCodec, type Reading } from "./types.ts";

/**
 * A block's readings, decoded: at most `maxReadingsPerBlock` (counted before any is decoded),
 * each the canonical encoding of a Reading. The one decoder for a block's readings, used by
 * import's body check and by execution; otherwise the block is invalid.
 */
export function decodeBlockReadings(state: StateReader, encoded: readonly Uint8Array[]): Reading[] {
  if (encoded.length === 0) return [];
  const max = Config.get(state).maxReadingsPerBlock;
  if (encoded.length > max) throw new InvalidBlock({ code: "TOO_MANY_READINGS", count: encoded.length, max });
  return encoded.map((bytes, index) => {
    try {
      return readingCodec.decode(bytes);
    } catch (e) {
      throw new InvalidBlock({ code: "MALFORMED_READING", index, reason: (e as Error).message });
    }
  });
}
