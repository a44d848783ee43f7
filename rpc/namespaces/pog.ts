import { fromHex, isHex, toHex } from "../../primitives/bytes.ts";
import type { ReadingsPool } from "../../node/readings/readingsPool.ts";
import type { ReadingSubmission } from "../../node/readings/types.ts";
import { Generation } from "../../runtime/modules/pog/storage.ts";
import { signedReadingCodec, type SignedReading } from "../../runtime/modules/pog/types.ts";
import { invalidParams } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcServer } from "../server/index.ts";
import { expectArray, expectNumber } from "../server/params.ts";
import { positional, stateAtParam } from "./params.ts";

/**
 * Readings per `pog_submitReadings` call: a gateway batches its devices' readings; 10,000 keeps
 * one call's verification under ~5 s of one core and its body under ~2 MiB.
 */
const MAX_READINGS_PER_CALL = 10_000;
/** Readings `pog_pendingReadings` lists (the oldest first): the pool holds up to 100,000. */
const MAX_PENDING_LISTED = 1000;
/** Intervals per `pog_generation` query. */
const MAX_GENERATION_RANGE = 10_000;

const U32 = { integer: true, min: 0, max: 0xffffffff };

/**
 * A reading as JSON `{deviceId, interval, cumulativeWh, energyWh, peakW, signature}` or as the
 * hex of a protobuf `SignedReading`. Malformed input is answered per reading, not as an error.
 */
function parseReading(value: unknown): SignedReading | null {
  try {
    if (typeof value === "string" && isHex(value)) return signedReadingCodec.decode(fromHex(value));
    if (typeof value !== "object" || value === null) return null;
    const v = value as Record<string, unknown>;
    const num = (x: unknown, max: number): number => {
      if (!Number.isSafeInteger(x) || (x as number) < 0 || (x as number) > max) throw new Error("bad number");
      return x as number;
    };
    if (!isHex(v.signature)) return null;
    return {
      reading: {
        deviceId: num(v.deviceId, 0xffffffff),
        interval: num(v.interval, 0xffffffff),
        cumulativeWh: num(v.cumulativeWh, Number.MAX_SAFE_INTEGER),
        energyWh: num(v.energyWh, 0xffffffff),
        peakW: num(v.peakW, 0xffffffff),
      },
      signature: fromHex(v.signature),
    };
  } catch {
    return null;
  }
}

async function submit(pool: ReadingsPool, values: unknown[]): Promise<ReadingSubmission[]> {
  const parsed = values.map(parseReading);
  const valid = parsed.filter((p): p is SignedReading => p !== null);
  const results = await pool.submit(valid);
  let next = 0;
  return parsed.map((p) => (p === null ? { accepted: false, reason: "Malformed" } : results[next++]));
}

export function registerPogRpc(server: RpcServer, api: RpcNodeApi): void {
  server.addMethod("pog_submitReading", {
    handler: async (params) => (await submit(api.readings, [expectArray(params, 1)[0]]))[0],
  });
  server.addMethod("pog_submitReadings", {
    handler: async (params) => {
      const list = expectArray(params, 1)[0];
      if (!Array.isArray(list) || list.length > MAX_READINGS_PER_CALL) throw invalidParams(`expected an array of at most ${MAX_READINGS_PER_CALL} readings`);
      return submit(api.readings, list);
    },
  });
  server.addMethod("pog_pendingReadings", {
    handler: () =>
      api.readings
        .pending()
        .slice(0, MAX_PENDING_LISTED)
        .map(({ reading, signature }) => ({ ...reading, signature: toHex(signature) })),
  });
  server.addMethod("pog_generation", {
    handler: (params) => {
      const [deviceId, from, to, at] = positional(params, 4);
      const id = expectNumber(deviceId, "deviceId", U32);
      const first = expectNumber(from, "fromInterval", U32);
      const last = expectNumber(to, "toInterval", U32);
      if (last < first || last - first >= MAX_GENERATION_RANGE) throw invalidParams(`toInterval must be within ${MAX_GENERATION_RANGE} intervals after fromInterval`);
      const { state } = stateAtParam(api, at);
      const out: Array<{ interval: number; energyWh: number; cumulativeWh: number; peakW: number; block: number }> = [];
      for (let interval = first; interval <= last; interval++) {
        const g = Generation.get(state, id, interval);
        if (g) out.push({ interval, ...g });
      }
      return { deviceId: id, totalWh: out.reduce((a, g) => a + g.energyWh, 0), intervals: out };
    },
  });
}
