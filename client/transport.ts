/** A JSON-RPC 2.0 connection to a node: HTTP (`HttpTransport`) or WebSocket (`WsTransport`). */
export interface Transport {
  readonly url: string;
  /** Sends one call and resolves with its `result`; rejects with a `ClientError`. */
  request(method: string, params: readonly unknown[]): Promise<unknown>;
  /**
   * Subscribes with Substrate's pattern (`<subscribe method>` answers an id, notifications carry
   * it): `onNotification` gets each `result`. A WebSocket transport subscribes again after it
   * reconnects. The returned handle unsubscribes with `unsubscribeMethod`.
   */
  subscribe(method: string, params: readonly unknown[], unsubscribeMethod: string, onNotification: (result: unknown) => void): Promise<Subscription>;
  close(): void;
}

export interface Subscription {
  /** The node's current id for this subscription (it changes when a reconnect subscribes again). */
  readonly id: string;
  unsubscribe(): Promise<void>;
}

/** The node's answer to a call over its connection's rate limit (docs/rpc-server.md). */
export const RATE_LIMITED = -32999;
