/** Public API of the JSON-RPC server, for the node's wiring and the method namespaces. */
export { RpcServer } from "./server.ts";
export type { RpcServerDeps } from "./server.ts";
export { defaultRpcServerOpts, DEFAULT_CORS, allowsUnsafe, isLoopbackAddress, validateRpcServerOpts } from "./options.ts";
export { parseCors, parseCount, parseIpBlock, parseMiB, parseRateLimit, parseRpcMethods, parseSeconds } from "./flags.ts";
export type { RpcServerOpts, CorsPolicy, RpcMethodsPolicy } from "./options.ts";
export { createRpcMetrics } from "./metrics.ts";
export type { RpcMetrics } from "./metrics.ts";
export { RpcServerError } from "./serverError.ts";
export type { RpcServerErrorType } from "./serverError.ts";
export type { RpcCallContext, RpcHandler, RpcMethodDef, RpcSubscriptionDef, RpcTransport, SubscriptionSink } from "./types.ts";
export type { ConnectionBudget } from "./rateLimit.ts";
export { expectArray, expectBoolean, expectHex, expectNumber, expectObject, expectString, optional } from "./params.ts";
