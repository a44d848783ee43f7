import { ForecastError } from "../../forecast/errors.ts";
import { ForecastService, MAX_HISTORY_INTERVALS } from "../../forecast/service.ts";
import { invalidParams, RpcError, RpcErrorCode, registerErrorMapping } from "../errors.ts";
import type { RpcNodeApi } from "../nodeApi.ts";
import type { RpcCallContext, RpcServer } from "../server/index.ts";
import { expectNumber } from "../server/params.ts";
import { positional } from "./params.ts";

/** Code of "Unknown device" (and of a device that cannot be forecast): beside Substrate's 4003 "Unknown block". */
export const UNKNOWN_DEVICE_CODE = 4010;
registerErrorMapping(ForecastError, (e) => new RpcError(UNKNOWN_DEVICE_CODE, e.code === "DEVICE_NOT_FOUND" ? "Unknown device" : "Device cannot be forecast", e.toObject()));

/** A week ahead at most: beyond it a clear-sky-regime forecast is the device's climatology and says nothing new. */
const MAX_HOURS = 168;
/**
 * Entries per `forecast_device` answer: a day of the dev chain's one-minute intervals (the same
 * bound as `pog_generation`'s range), so that the dev chain forecasts at most 24 hours and a live
 * chain (hourly intervals) the whole week. Each entry costs ~4 µs.
 */
const MAX_FORECAST_INTERVALS = 1440;

const DEVICE_ID = { integer: true, min: 0, max: 0xffffffff };
const round = (x: number): number => Math.round(x);
const round4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10_000) / 10_000);

/**
 * `forecast_device(deviceId, hours)` and `forecast_accuracy(deviceId)`, read at the finalized head
 * (docs/forecasts.md). Forecasters are cached per device for the current finalized block.
 */
/**
 * A forecast reads up to MAX_HISTORY_INTERVALS storage entries of the device's history (~20 ms)
 * unless the device is cached for the finalized block, and the cache is easy to miss (a new
 * finalized block, or cycling through more than its devices): each call costs its history's
 * lookups in the connection's budget, one call per 50 (87 at most), whether it hits or not, so a
 * connection cannot make the node read history faster than ~5,000 entries a second by default.
 */
function chargeHistory(ctx: RpcCallContext): void {
  if (ctx.budget && !ctx.budget.tryCharge(Math.ceil(MAX_HISTORY_INTERVALS / 50) - 1)) {
    throw new RpcError(RpcErrorCode.RateLimited, "RPC rate limit exceeded", `a forecast reads the device's history: it costs ${Math.ceil(MAX_HISTORY_INTERVALS / 50)} calls of this connection's budget`);
  }
}

export function registerForecastRpc(server: RpcServer, api: RpcNodeApi): void {
  const service = new ForecastService();
  const finalized = () => {
    const hash = api.chain.finalized.hash;
    return { hash, state: api.chain.stateAt(hash) };
  };

  server.addMethod("forecast_device", {
    handler: (params, ctx) => {
      const [id, hoursParam] = positional(params, 2);
      const deviceId = expectNumber(id, "deviceId", DEVICE_ID);
      const hours = expectNumber(hoursParam, "hours", { integer: true, min: 1, max: MAX_HOURS });
      chargeHistory(ctx);
      const view = finalized();
      const intervalSecs = service.intervalSecs(view);
      const count = Math.ceil((hours * 3600) / intervalSecs);
      if (count > MAX_FORECAST_INTERVALS) {
        throw invalidParams(`hours: at most ${Math.floor((MAX_FORECAST_INTERVALS * intervalSecs) / 3600)} on this chain (${MAX_FORECAST_INTERVALS} intervals of ${intervalSecs} s)`);
      }
      return service.forecast(view, deviceId, count).map((p) => ({ interval: p.interval, expectedWh: round(p.expectedWh), p10Wh: round(p.p10Wh), p90Wh: round(p.p90Wh) }));
    },
  });

  server.addMethod("forecast_accuracy", {
    handler: (params, ctx) => {
      const [id] = positional(params, 1);
      const deviceId = expectNumber(id, "deviceId", DEVICE_ID);
      chargeHistory(ctx);
      const a = service.accuracy(finalized(), deviceId);
      return { nMae: round4(a.nMae), nRmse: round4(a.nRmse), skillVsPersistence: round4(a.skillVsPersistence), samples: a.samples, coverage: round4(a.coverage), model: a.model };
    },
  });
}
