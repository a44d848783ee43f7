import { fromHex, toHex } from "../primitives/bytes.ts";
import { POG_CONFIG_STORAGE_KEY, pogConfigCodec, type PogConfig } from "../runtime/wire.ts";
import type { BlockAuthorship } from "./authorship.ts";
import { ClientError, RpcCallError } from "./errors.ts";
import type { FlexBaseline, FlexEnrolment, FlexEvent, FlexProgram, FlexResponse, FlexSettlement } from "./flex.ts";
import { HttpTransport } from "./httpTransport.ts";
import { RATE_LIMITED, type Subscription, type Transport } from "./transport.ts";
import type {
  AccountInfo,
  Balance,
  BlockEvents,
  ControlCommand,
  CurrentEpoch,
  Device,
  EpochRewards,
  FeeInfo,
  Generation,
  Header,
  Rec,
  RecDetail,
  Retirement,
  SignedBlock,
  SystemProperties,
} from "./types.ts";
import { WsTransport, type WsTransportOpts } from "./wsTransport.ts";

export interface ClientOpts extends WsTransportOpts {
  /** Calls refused by the node's rate limit (-32999) are sent again after 250 ms, doubling to 2 s, this many times (default 30). */
  rateLimitRetries?: number;
}

/** An account as RPC takes it: SS58 address, 0x-hex account id, or the 32 bytes. */
export type AccountRef = string | Uint8Array;

const param = (account: AccountRef): string => (typeof account === "string" ? account : toHex(account));

/**
 * `system_account`'s answer decoded: the node writes nonce, free and reserved as decimal strings
 * (docs/rpc.md: one format for every u64/u128 field), so the nonce is parsed here, not passed on
 * as the string it is — a `Balance.nonce` typed number must compare equal to a number.
 */
export function balanceOf(info: AccountInfo): Balance {
  const nonce = typeof info.nonce === "string" && /^(0|[1-9][0-9]*)$/.test(info.nonce) ? Number(info.nonce) : NaN;
  if (!Number.isSafeInteger(nonce)) throw new ClientError("BAD_RESPONSE", `system_account: nonce ${JSON.stringify(info.nonce)} is not a decimal integer`, { nonce: info.nonce });
  try {
    return { nonce, free: BigInt(info.free), reserved: BigInt(info.reserved) };
  } catch {
    throw new ClientError("BAD_RESPONSE", "system_account: free/reserved are not decimal integers", { free: info.free, reserved: info.reserved });
  }
}

/** The number of a header (`number` is hex on the wire). */
export function blockNumber(header: Pick<Header, "number">): number {
  return parseInt(header.number, 16);
}

/**
 * A typed client of an arkreen node's JSON-RPC (docs/client.md): `ws://`/`wss://` URLs connect
 * over WebSocket (subscriptions, reconnects), `http://`/`https://` over `fetch`.
 */
export class ArkreenClient {
  readonly transport: Transport;
  private readonly rateLimitRetries: number;
  private genesis: Promise<Uint8Array> | null = null;

  constructor(transport: Transport, opts: Pick<ClientOpts, "rateLimitRetries"> = {}) {
    this.transport = transport;
    this.rateLimitRetries = opts.rateLimitRetries ?? 30;
  }

  static async connect(url: string, opts: ClientOpts = {}): Promise<ArkreenClient> {
    const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
    if (scheme === "ws" || scheme === "wss") return new ArkreenClient(await WsTransport.connect(url, opts), opts);
    if (scheme === "http" || scheme === "https") return new ArkreenClient(new HttpTransport(url, opts), opts);
    throw new ClientError("BAD_INPUT", `expected a ws://, wss://, http:// or https:// URL, got ${url}`, { url });
  }

  get url(): string {
    return this.transport.url;
  }

  /** Any JSON-RPC method; a call refused by the node's rate limit is sent again after a pause. */
  async call<T = unknown>(method: string, params: readonly unknown[] = []): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.transport.request(method, params)) as T;
      } catch (error) {
        if (!(error instanceof RpcCallError) || error.rpcCode !== RATE_LIMITED || attempt >= this.rateLimitRetries) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 250 * 2 ** attempt)));
      }
    }
  }

  /** Any subscription (`chain_subscribeNewHeads`, …), renewed after reconnects. */
  subscribe<T>(method: string, params: readonly unknown[], unsubscribeMethod: string, onNotification: (result: T) => void): Promise<Subscription> {
    return this.transport.subscribe(method, params, unsubscribeMethod, onNotification as (result: unknown) => void);
  }

  close(): void {
    this.transport.close();
  }

  // Chain

  /** The chain's block 0 hash (what every signature binds to); asked once. */
  genesisHash(): Promise<Uint8Array> {
    this.genesis ??= this.call<string>("chain_getBlockHash", [0]).then(fromHex);
    this.genesis.catch(() => (this.genesis = null));
    return this.genesis;
  }

  properties(): Promise<SystemProperties> {
    return this.call("system_properties");
  }

  /** The header of `hash`, or of the best block. */
  header(hash?: string): Promise<Header | null> {
    return this.call("chain_getHeader", hash === undefined ? [] : [hash]);
  }

  async bestNumber(): Promise<number> {
    const header = await this.header();
    if (!header) throw new ClientError("BAD_RESPONSE", "chain_getHeader: the node has no best block");
    return blockNumber(header);
  }

  blockHash(number: number): Promise<string | null> {
    return this.call("chain_getBlockHash", [number]);
  }

  finalizedHead(): Promise<string> {
    return this.call("chain_getFinalizedHead");
  }

  block(hash?: string): Promise<SignedBlock | null> {
    return this.call("chain_getBlock", hash === undefined ? [] : [hash]);
  }

  /** Authors and justification signers of the best chain's blocks from..from+count-1 (`chain_getAuthorship`, at most 256; genesis skipped). */
  authorship(fromNumber: number, count: number): Promise<BlockAuthorship[]> {
    return this.call("chain_getAuthorship", [fromNumber, count]);
  }

  /** A block's events, decoded by the node (`state_getEvents`); the best block's when `at` is omitted. */
  events(at?: string): Promise<BlockEvents> {
    return this.call("state_getEvents", at === undefined ? [] : [at]);
  }

  subscribeNewHeads(onHeader: (header: Header) => void): Promise<Subscription> {
    return this.subscribe("chain_subscribeNewHeads", [], "chain_unsubscribeNewHeads", onHeader);
  }

  subscribeFinalizedHeads(onHeader: (header: Header) => void): Promise<Subscription> {
    return this.subscribe("chain_subscribeFinalizedHeads", [], "chain_unsubscribeFinalizedHeads", onHeader);
  }

  // Accounts

  /** Free and reserved balance and nonce: amounts as bigints, the nonce as a number (all three are decimal strings on the wire). */
  async balance(account: AccountRef): Promise<Balance> {
    return balanceOf(await this.call<AccountInfo>("system_account", [param(account)]));
  }

  /** The account's next nonce, counting its transactions in the node's pool. */
  nextNonce(account: AccountRef): Promise<number> {
    return this.call("system_accountNextIndex", [param(account)]);
  }

  /** `payment_queryInfo`: the fee (without tip) the extrinsic would pay in the next block. */
  async queryFee(extrinsic: Uint8Array): Promise<FeeInfo> {
    const info = await this.call<Omit<FeeInfo, "partialFee"> & { partialFee: string }>("payment_queryInfo", [toHex(extrinsic)]);
    return { ...info, partialFee: BigInt(info.partialFee) };
  }

  // Energy

  device(id: number, at?: string): Promise<Device | null> {
    return this.call("device_get", at === undefined ? [id] : [id, at]);
  }

  /** A page of the owner's devices, after the id `startAfter`. */
  devicesOf(owner: AccountRef, startAfter?: number): Promise<Device[]> {
    return this.call("device_listByOwner", startAfter === undefined ? [param(owner)] : [param(owner), null, startAfter]);
  }

  registrars(): Promise<Array<{ account: string; name: string }>> {
    return this.call("device_registrars");
  }

  /** The chain's proof-of-generation parameters: `readingIntervalSecs`, `acceptanceWindowIntervals`, `epochLengthBlocks`, … */
  async pogConfig(): Promise<PogConfig> {
    const raw = await this.call<string | null>("state_getStorage", [toHex(POG_CONFIG_STORAGE_KEY)]);
    if (raw === null) throw new ClientError("BAD_RESPONSE", "the node's chain has no pog config");
    return pogConfigCodec.decode(fromHex(raw));
  }

  /** Credited energy of a device for intervals `from` … `to`. */
  generation(deviceId: number, fromInterval: number, toInterval: number): Promise<Generation> {
    return this.call("pog_generation", [deviceId, fromInterval, toInterval]);
  }

  rec(id: number): Promise<RecDetail | null> {
    return this.call("rec_get", [id]);
  }

  recsOf(owner: AccountRef, startAfter?: number): Promise<Rec[]> {
    return this.call("rec_listByOwner", startAfter === undefined ? [param(owner)] : [param(owner), null, startAfter]);
  }

  retirement(id: number): Promise<Retirement | null> {
    return this.call("rec_getRetirement", [id]);
  }

  /** An epoch's rewards; null before it ended. Epochs older than the chain's `rewards.historyEpochs` throw `RpcCallError` with `rpcCode` 4005 (removed from state; their `Minted` events remain in the blocks). */
  rewardsEpoch(epoch: number): Promise<EpochRewards | null> {
    return this.call("rewards_epoch", [epoch]);
  }

  currentEpoch(): Promise<CurrentEpoch> {
    return this.call("rewards_currentEpoch");
  }

  /** A command by id; null when no command has that id yet. Settled commands older than the chain's retention throw `RpcCallError` with `rpcCode` 4005. */
  controlCommand(id: number): Promise<ControlCommand | null> {
    return this.call("control_get", [id]);
  }

  pendingCommands(deviceId: number): Promise<ControlCommand[]> {
    return this.call("control_pending", [deviceId]);
  }

  /** Each change of the devices' pending commands (≤ 1,024 devices per connection). */
  subscribePendingCommands(deviceIds: number[], onCommands: (commands: ControlCommand[]) => void): Promise<Subscription> {
    return this.subscribe("control_subscribePending", [deviceIds], "control_unsubscribePending", onCommands);
  }

  // Virtual power plant (docs/vpp.md).

  flexPrograms(from = 0, limit = 100): Promise<FlexProgram[]> {
    return this.call("flex_programs", [from, limit]);
  }

  flexProgram(id: number): Promise<FlexProgram | null> {
    return this.call("flex_program", [id]);
  }

  /** A program's members in enrolment order from member number `from`. */
  flexEnrolments(programId: number, from = 0, limit = 100): Promise<FlexEnrolment[]> {
    return this.call("flex_enrolments", [programId, from, limit]);
  }

  flexEvents(from = 0, limit = 100, programId: number | null = null): Promise<FlexEvent[]> {
    return this.call("flex_events", [from, limit, programId]);
  }

  flexEvent(id: number): Promise<FlexEvent | null> {
    return this.call("flex_event", [id]);
  }

  /** An event's responses, at most 1,000 a page in storage order; the next page starts after the last device id returned. */
  flexResponses(eventId: number, startAfter: number | null = null): Promise<FlexResponse[]> {
    return this.call("flex_responses", [eventId, startAfter]);
  }

  flexBaseline(deviceId: number, eventId: number): Promise<FlexBaseline | null> {
    return this.call("flex_baseline", [deviceId, eventId]);
  }

  /** An event's settlements, paged as `flexResponses`. */
  flexSettlements(eventId: number, startAfter: number | null = null): Promise<FlexSettlement[]> {
    return this.call("flex_settlements", [eventId, startAfter]);
  }
}
