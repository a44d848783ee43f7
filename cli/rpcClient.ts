import { ArkreenClient, RpcCallError } from "../client/index.ts";

/**
 * The CLI's JSON-RPC connection is the client library's (`client/`, docs/client.md): `WsRpcClient`
 * wraps an `ArkreenClient` over WebSocket — reconnects, renewed subscriptions, retries of calls
 * refused by the node's rate limit — and reports the node's errors as `RpcClientError` with their
 * numeric JSON-RPC code, the form the CLI's messages and its tests read.
 */
export class RpcClientError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(`${code}: ${message}${data !== undefined ? `: ${typeof data === "string" ? data : JSON.stringify(data)}` : ""}`);
    this.code = code;
    this.data = data;
  }
}

function cliError(error: unknown): unknown {
  return error instanceof RpcCallError ? new RpcClientError(error.rpcCode, error.rpcMessage, error.rpcData) : error;
}

/** The method that ends a subscription started with `method` (Substrate's naming). */
function unsubscribeMethod(method: string): string {
  if (method === "author_submitAndWatchExtrinsic") return "author_unwatchExtrinsic";
  return method.replace("_subscribe", "_unsubscribe");
}

export class WsRpcClient {
  /** The library's client, for its typed reads and signing (`submitCall`, the simulator). */
  readonly api: ArkreenClient;

  private constructor(api: ArkreenClient) {
    this.api = api;
  }

  static async connect(url: string): Promise<WsRpcClient> {
    if (!/^wss?:\/\//i.test(url)) throw new Error(`expected a ws:// or wss:// URL, got ${url}`);
    try {
      return new WsRpcClient(await ArkreenClient.connect(url));
    } catch (e) {
      throw new Error(`cannot connect to ${url}: ${(e as Error).message}`);
    }
  }

  get url(): string {
    return this.api.url;
  }

  /** Calls `method`; a call refused by the node's rate limit (-32999) is sent again after a pause. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    try {
      return await this.api.call<T>(method, params);
    } catch (e) {
      throw cliError(e);
    }
  }

  /** Subscribes; `onNotification` gets each `result`. Returns the subscription id. */
  async subscribe(method: string, params: unknown[], onNotification: (result: unknown) => void): Promise<string> {
    try {
      return (await this.api.subscribe(method, params, unsubscribeMethod(method), onNotification)).id;
    } catch (e) {
      throw cliError(e);
    }
  }

  close(): void {
    this.api.close();
  }
}
