import { fromHex, isHex, toHex } from "../../primitives/bytes.ts";
import type { ReadingsPool } from "../../node/readings/readingsPool.ts";
import type { ReadingSubmission } from "../../node/readings/types.ts";
import { pog } from "../../runtime/api.ts";
import { invalidParams, RpcError, RpcErrorCode } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { ConnectionBudget, RpcCallContext, RpcServer } from "../server/index.ts";
import { expectArray, expectNumber } from "../server/params.ts";
import { positional, stateAtParam } from "./params.ts";

/**
 * Readings per `pog_submitReadings` call: a gateway batches its devices' readings, and the device
 * simulator sends 1,000 at a time. 1,000 readings are ~0.05 s of the BLS core when their
 * signatures are good and ~1.5 s of one worker when every one is bad (a failed batch is bisected):
 * the most one connection can make the core do before its bad-signature allowance stops it
 * (rateLimit.ts). (Was 10,000: one call could queue ten times the core's backlog bound and ~15 s
 * of bisection.)
 */
const MAX_READINGS_PER_CALL = 1000;
/**
 * Readings from RPC calls being checked and verified at once, over every connection: two full
 * calls, which keep the BLS workers fed (one call verifies while the next is checked; the
 * readings benchmark keeps 4 × 500 in flight). A call that would take the total past it is
 * answered `Busy` for every reading before any of them is checked or queued, so a backlog never
 * grows past what the core clears in about a second, and a call is never half queued.
 */
const MAX_READINGS_VERIFYING = 2 * MAX_READINGS_PER_CALL;
/**
 * Readings that cost one call of the connection's rate-limit budget (a call of 1,000 readings
 * costs 20). At one call per reading, the default budget (6,000 a minute) held a gateway to 100
 * readings a second and the readings benchmark to a third of its target; at 50, one connection
 * may send 5,000 good readings a second (~0.25 s of the BLS core), and a fresh one 50,000 at
 * once. Bad signatures, which cost ~30 times more each, are bounded by their own allowance.
 */
const READINGS_PER_BUDGET_CALL = 50;
/** Readings `pog_pendingReadings` lists (the oldest first): the pool holds up to 100,000. */
const MAX_PENDING_LISTED = 1000;
/**
 * Intervals per `pog_generation` query. Credited readings are kept in (device, day) pages of 24
 * intervals (`pog.GenerationDays`), so a range is one storage lookup per page it touches, found
 * or not: 1,440 intervals are 60 or 61 lookups (with one lookup per interval, 10,000 took
 * 20–37 ms a call on the 2-core machine and 1,440 ~7 ms). 1,440 is a day of the dev chain's 60 s
 * intervals, what a dashboard shows at once; longer spans are several calls, each counted by the
 * rate limit. Pages older than the claim window (`pog.claimWindowIntervals`) are removed from
 * state: their intervals are answered as not credited; the REC slot lists keep what was certified.
 */
const MAX_GENERATION_RANGE = 1440;

const U32 = { integer: true, min: 0, max: 0xffffffff };

/**
 * A reading as JSON `{deviceId, interval, cumulativeWh, energyWh, peakW, signature}` (and, for a
 * device with an import channel, `cumulativeImportWh` and `importWh`) or as the
 * hex of a protobuf `SignedReading`. Malformed input is answered per reading, not as an error.
 */
function parseReading(value: unknown): pog.SignedReading | null {
  try {
    if (typeof value === "string" && isHex(value)) return pog.signedReadingCodec.decode(fromHex(value));
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
        // The import channel (docs/readings.md): absent = 0, the generator form.
        cumulativeImportWh: v.cumulativeImportWh === undefined ? 0 : num(v.cumulativeImportWh, Number.MAX_SAFE_INTEGER),
        importWh: v.importWh === undefined ? 0 : num(v.importWh, 0xffffffff),
      },
      signature: fromHex(v.signature),
    };
  } catch {
    return null;
  }
}

async function checkAndVerify(pool: ReadingsPool, values: unknown[]): Promise<ReadingSubmission[]> {
  const parsed = values.map(parseReading);
  const valid = parsed.filter((p): p is pog.SignedReading => p !== null);
  const results = await pool.submit(valid);
  let next = 0;
  return parsed.map((p) => (p === null ? { accepted: false, reason: "Malformed" } : results[next++]));
}

const BUSY: ReadingSubmission = { accepted: false, reason: "Busy" };

/** A reading as submitted: the import fields only for a device that reports an import channel (docs/readings.md). */
function generatorOrBidirectional(r: pog.Reading): Partial<pog.Reading> {
  const { importWh, cumulativeImportWh, ...generator } = r;
  return Number(cumulativeImportWh ?? 0) > 0 || Number(importWh ?? 0) > 0 ? r : generator;
}

export function registerPogRpc(server: RpcServer, api: RpcNodeApi): void {
  /** Readings of RPC calls under way (MAX_READINGS_VERIFYING). */
  let verifying = 0;
  /**
   * Each rate-limited connection's last reading submission: its calls are checked one after the
   * other, so that the bad signatures of one are counted before the next may start. Otherwise a
   * WebSocket client with several calls in flight would have them all pass the allowance check
   * before the first was answered, and get that many calls of bad signatures bisected.
   */
  const lanes = new WeakMap<ConnectionBudget, Promise<unknown>>();

  /**
   * Checks and verifies the readings of one call for the connection `ctx`, after its previous
   * submission: refused (-32999) while the connection's bad signatures are over its allowance; all
   * `Busy` when the call does not fit under MAX_READINGS_VERIFYING; refused (-32999) when the
   * connection's budget does not hold one call per READINGS_PER_BUDGET_CALL readings; otherwise
   * checked, and each reading answered BadSignature counted against the allowance.
   */
  const submitNow = async (values: unknown[], budget: ConnectionBudget | null): Promise<ReadingSubmission[]> => {
    const wait = budget?.badSignatureWaitMs() ?? 0;
    if (wait > 0) {
      throw new RpcError(RpcErrorCode.RateLimited, "RPC rate limit exceeded", `too many bad signatures from this connection: readings are taken again in ${Math.ceil(wait / 1000)} s`);
    }
    if (verifying + values.length > MAX_READINGS_VERIFYING) return values.map(() => BUSY);
    // The call itself took one unit of the budget; the rest of its readings' cost is paid before any is checked.
    const cost = Math.ceil(values.length / READINGS_PER_BUDGET_CALL);
    if (budget && !budget.tryCharge(cost - 1)) {
      throw new RpcError(RpcErrorCode.RateLimited, "RPC rate limit exceeded", `${values.length} readings cost ${cost} calls of this connection's budget`);
    }
    verifying += values.length;
    let answers: ReadingSubmission[];
    try {
      answers = await checkAndVerify(api.readings, values);
    } finally {
      verifying -= values.length;
    }
    const bad = answers.filter((a) => !a.accepted && a.reason === "BadSignature").length;
    if (bad > 0) budget?.chargeBadSignatures(bad);
    return answers;
  };

  const submit = (values: unknown[], ctx: RpcCallContext): Promise<ReadingSubmission[]> => {
    const budget = ctx.budget;
    if (!budget) return submitNow(values, null);
    const previous = lanes.get(budget);
    const mine = previous ? previous.then(() => submitNow(values, budget)) : submitNow(values, budget);
    // The lane only orders calls: the next one waits for this one however it ends.
    lanes.set(budget, mine.catch(() => undefined));
    return mine;
  };

  server.addMethod("pog_submitReading", {
    handler: async (params, ctx) => (await submit([expectArray(params, 1)[0]], ctx))[0],
  });
  server.addMethod("pog_submitReadings", {
    handler: (params, ctx) => {
      const list = expectArray(params, 1)[0];
      if (!Array.isArray(list) || list.length > MAX_READINGS_PER_CALL) throw invalidParams(`expected an array of at most ${MAX_READINGS_PER_CALL} readings`);
      return submit(list, ctx);
    },
  });
  server.addMethod("pog_pendingReadings", {
    handler: () =>
      api.readings
        .pending()
        .slice(0, MAX_PENDING_LISTED)
        .map(({ reading, signature }) => ({ ...generatorOrBidirectional(reading), signature: toHex(signature) })),
  });
  server.addMethod("pog_generation", {
    handler: (params) => {
      const [deviceId, from, to, at] = positional(params, 4);
      const id = expectNumber(deviceId, "deviceId", U32);
      const first = expectNumber(from, "fromInterval", U32);
      const last = expectNumber(to, "toInterval", U32);
      if (last < first || last - first >= MAX_GENERATION_RANGE) throw invalidParams(`toInterval must be within ${MAX_GENERATION_RANGE} intervals after fromInterval`);
      const { state } = stateAtParam(api, at);
      // A slot of a device with an import channel shows it; a generator's answer is what it always was.
      const out = pog
        .creditedReadings(state, id, first, last)
        .map(({ interval, energyWh, cumulativeWh, peakW, block, importWh, cumulativeImportWh }) =>
          cumulativeImportWh > 0 ? { interval, energyWh, cumulativeWh, peakW, block, importWh, cumulativeImportWh } : { interval, energyWh, cumulativeWh, peakW, block },
        );
      const totalImportWh = out.reduce((a, g) => a + ("importWh" in g ? (g.importWh ?? 0) : 0), 0);
      return { deviceId: id, totalWh: out.reduce((a, g) => a + g.energyWh, 0), ...(out.some((g) => "importWh" in g) ? { totalImportWh } : {}), intervals: out };
    },
  });
}
