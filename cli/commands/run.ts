import { MIN_STATE_PRUNING, pruningFromFlags } from "../pruningFlags.ts";
import { DEFAULT_PRUNING, type PruningRequest } from "../../node/chain/statePruner.ts";
import { buildGenesisBlock, genesisStateReader } from "../../genesis/build.ts";
import type { ChainSpec } from "../../genesis/chainSpec.ts";
import { isIP } from "node:net";
import type { Command} from "commander";
import { multiaddr } from "@multiformats/multiaddr";
import { Option } from "commander";
import { toHex } from "../../primitives/bytes.ts";
import { createLogger, parseLogFilter, type LogFilter, type Logger } from "../../primitives/logger.ts";
import { DEV_ACCOUNT_NAMES } from "../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../primitives/keys/ss58.ts";
import { staking } from "../../runtime/api.ts";
import {
  defaultRpcServerOpts,
  parseCors,
  parseCount,
  parseIpBlock,
  parseMiB,
  parseRateLimit,
  parseSeconds,
  validateRpcServerOpts,
  type RpcServerOpts,
} from "../../rpc/server/index.ts";
import { DEFAULT_IN_PEERS, DEFAULT_OUT_PEERS, parseNodeKeyHex } from "../../p2p/index.ts";
import type { ArkreenNode } from "../../node/service.ts";
import { oneOf } from "../flagValues.ts";
import { readSecretFileBytes } from "../secretInput.ts";
import { NodeService } from "../nodeService.ts";
import { DatabaseError } from "../../node/db/database.ts";
import { clockOffsetFromEnv } from "../../node/clock.ts";
import { selectBasePath, selectChainSpec } from "../chainSelection.ts";
import { activeSessionKeysAt, AUTHORING_KEY_ENV, selectValidatorKeys, type ActiveSessionKeys, type ValidatorKeys } from "../validatorKeys.ts";
import { openChainOnly } from "../nodeContext.ts";
import { authorKeystore, openNodeKeystore } from "../keystore.ts";

export interface RunFlags {
  dev?: boolean;
  chain?: string;
  basePath?: string;
  tmp?: boolean;
  name?: string;
  validator?: boolean;
  authoringKey?: string;
  authoringKeyFile?: string;
  keystorePath?: string;
  rpcPort: number;
  rpcExternal?: boolean;
  rpcMethods: "auto" | "safe" | "unsafe";
  rpcCors?: string;
  rpcMaxConnections?: number;
  rpcMaxRequestSize?: number;
  rpcMaxResponseSize?: number;
  rpcMaxBatchRequestLen?: number;
  rpcMaxSubscriptionsPerConnection?: number;
  rpcMessageBufferCapacityPerConnection?: number;
  rpcMaxBufferedPerConnection?: number;
  rpcMaxJsonDepth?: number;
  /** `off` as parsed: commander takes a parser's null for "no value" and would store `true`. */
  rpcRateLimit?: number | "off";
  rpcRateLimitWhitelistedIps?: string[];
  rpcRateLimitTrustProxyHeaders?: boolean;
  rpcHeadersTimeout?: number;
  rpcRequestTimeout?: number;
  rpcKeepAliveTimeout?: number;
  rpcWsPingInterval?: number;
  prometheusPort: number;
  prometheus: boolean;
  prometheusExternal?: boolean;
  port: number;
  listenAddr?: string[];
  bootnodes?: string[];
  nodeKey?: string;
  nodeKeyFile?: string;
  statePruning?: string;
  pruning?: string;
  blocksPruning?: string;
  inPeers: number;
  outPeers: number;
  reservedNodes?: string[];
  reservedOnly?: boolean;
  publicAddr?: string[];
  privateIp?: boolean;
  allowPrivateIp?: boolean;
  discoverLocal?: boolean;
  log: LogFilter;
  logFormat: "human" | "json";
  [devAccount: string]: unknown;
}

/** The modules whose lines carry their name (`[sync] …`), for `-l <target>=<level>`. */
const LOG_TARGETS = ["aura", "bls", "chain", "finality", "grandpa", "offences", "readings", "rpc", "sub-libp2p", "sync", "txpool"];

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${value}`);
  return n;
}

/** `--in-peers` / `--out-peers`: 0 (none) to 10 000. */
const peerCount = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 10_000) throw new Error(`--${flag}: expected an integer from 0 to 10000, got ${value}`);
  return n;
};

/** Adds the run flags (Substrate's names) to the root command. */
export function addRunOptions(program: Command): Command {
  program
    .option("--dev", "run a development chain: --chain=dev --alice --rpc-cors=all, temporary storage unless --base-path")
    .option("--chain <id-or-path>", "chain spec: dev, local, or a chain spec JSON file")
    .option("-d, --base-path <path>", "where the database and node data are stored")
    .option("--tmp", "use a temporary base path, removed when the node stops")
    .option("--state-pruning <archive|n>", `keep the state of the last n finalized blocks (at least ${MIN_STATE_PRUNING}), or every state (archive); archive-or-not is fixed when the database is created, and an existing database keeps its own mode when the flag is absent (default: ${DEFAULT_PRUNING.state})`)
    .option("--blocks-pruning <archive|archive-canonical|n>", `block bodies kept: all, the finalized chain's, or the last n finalized (default: ${DEFAULT_PRUNING.blocks})`)
    .addOption(new Option("--pruning <archive|n>", "older name of --state-pruning").hideHelp())
    .option("--name <name>", "the node's human-readable name")
    .option("--validator", `author blocks and vote on finality with the session keys in the keystore (or --authoring-key-file, $${AUTHORING_KEY_ENV}, or --alice… on dev and local chains)`)
    .option("--keystore-path <path>", "the keystore directory, mode 700 (default: <base-path>/chains/<chain id>/keystore)")
    .option("--authoring-key-file <path>", "file (mode 600) holding the secret URI of the ed25519 authoring key; the BLS finality key is derived from it")
    .option("--authoring-key <suri>", `secret URI of the authoring key, on the command line where any local user sees it: prefer --authoring-key-file or $${AUTHORING_KEY_ENV}`)
    .addOption(new Option("--port <port>", "p2p TCP port").default(30333).argParser(port))
    .option("--listen-addr <multiaddr...>", "p2p listen addresses, e.g. /ip4/0.0.0.0/tcp/30333 /ip6/::/tcp/30333 (default: /ip4/0.0.0.0/tcp/<--port>); a bare IP listens on it at --port")
    .option("--bootnodes <multiaddr...>", "peers to connect to at start, /ip4/…/tcp/…/p2p/<peer id>")
    .option("--node-key <hex>", "the 32-byte ed25519 secret of the node's libp2p identity, on the command line: prefer --node-key-file (default: persisted under the base path)")
    .option("--node-key-file <path>", "file (mode 600) holding the node key, 32 raw bytes or hex, as `key generate-node-key --file` writes it")
    .addOption(new Option("--in-peers <n>", "inbound peers kept at most (reserved peers not counted)").default(DEFAULT_IN_PEERS).argParser(peerCount("in-peers")))
    .addOption(new Option("--out-peers <n>", "outbound peers discovery (Kademlia DHT, mDNS) keeps dialling for").default(DEFAULT_OUT_PEERS).argParser(peerCount("out-peers")))
    .option("--reserved-nodes <multiaddr...>", "peers always kept connected, outside the in/out limits, /ip4/…/tcp/…/p2p/<peer id>")
    .option("--reserved-only", "connect to reserved nodes only, both ways (no discovery dials)")
    .option("--public-addr <multiaddr...>", "addresses announced to peers (identify, DHT) beside the listen addresses")
    .addOption(new Option("--private-ip").hideHelp())
    .option("--no-private-ip", "never dial private or loopback addresses learned from the network (default on Live chains)")
    .option("--allow-private-ip", "dial private addresses learned from the network (default on Development and Local chains)")
    .option("--discover-local", "find peers on the local network with mDNS (default on Development and Local chains)")
    .option("--no-discover-local", "no mDNS (default on Live chains)")
    .addOption(new Option("--rpc-port <port>", "JSON-RPC HTTP and WebSocket port").default(9944).argParser(port))
    .option("--rpc-external", "listen for RPC on all interfaces (default: 127.0.0.1 only)")
    .addOption(new Option("--rpc-methods <policy>", "which RPC methods to expose: auto, safe or unsafe").argParser(oneOf("rpc-methods", ["auto", "safe", "unsafe"])).default("auto"))
    .option("--rpc-cors <origins>", "allowed browser origins: all, none, or a comma-separated list");
  addRpcLimitOptions(program);
  program
    .addOption(new Option("--prometheus-port <port>", "Prometheus exporter port").default(9615).argParser(port))
    .option("--no-prometheus", "do not expose Prometheus metrics")
    .option("--prometheus-external", "expose Prometheus on all interfaces")
    .addOption(
      new Option("-l, --log <filter>", `log level, and levels per target (Substrate's form): info, debug, or warn,sync=debug,grandpa=trace; targets: ${LOG_TARGETS.join(", ")}`)
        .argParser(parseLogFilter)
        .default(parseLogFilter("info"), "info"),
    )
    .addOption(new Option("--log-format <format>", "log line format: human or json").argParser(oneOf("log-format", ["human", "json"])).default("human"));
  for (const name of DEV_ACCOUNT_NAMES) program.option(`--${name.toLowerCase()}`, `shortcut for --validator with the //${name} dev keys (Development and Local chains only)`);
  return program;
}

const RPC_DEFAULTS = defaultRpcServerOpts;
const MiB = 1024 * 1024;
const count = (flag: string) => (v: string): number => parseCount(flag, v);
const seconds = (flag: string) => (v: string): number => parseSeconds(flag, v);
const mib = (flag: string) => (v: string): number => parseMiB(flag, v);

/** The RPC server's limits (docs/rpc-server.md); unset flags leave the server's defaults. */
function addRpcLimitOptions(program: Command): void {
  const d = RPC_DEFAULTS;
  program
    .option("--rpc-max-connections <n>", `maximum RPC connections, HTTP and WebSocket (default: ${d.maxConnections})`, count("rpc-max-connections"))
    .option("--rpc-max-request-size <MiB>", `largest RPC request (default: ${d.maxRequestBytes / MiB})`, mib("rpc-max-request-size"))
    .option("--rpc-max-response-size <MiB>", `largest RPC response (default: ${d.maxResponseBytes / MiB})`, mib("rpc-max-response-size"))
    .option("--rpc-max-batch-request-len <n>", `calls in one batch (default: ${d.maxBatchLength})`, count("rpc-max-batch-request-len"))
    .option(
      "--rpc-max-subscriptions-per-connection <n>",
      `subscriptions per WebSocket (default: ${d.maxSubscriptionsPerConnection})`,
      count("rpc-max-subscriptions-per-connection"),
    )
    .option(
      "--rpc-message-buffer-capacity-per-connection <n>",
      `WebSocket messages processed at once per connection before reading pauses (default: ${d.maxInflightMessagesPerConnection})`,
      count("rpc-message-buffer-capacity-per-connection"),
    )
    .option(
      "--rpc-max-buffered-per-connection <MiB>",
      `bytes queued to a WebSocket client that does not read before it is dropped (default: ${d.maxBufferedBytesPerConnection / MiB})`,
      mib("rpc-max-buffered-per-connection"),
    )
    .option("--rpc-max-json-depth <n>", `nesting of arrays and objects in a request (default: ${d.maxJsonDepth})`, count("rpc-max-json-depth"))
    .option("--rpc-rate-limit <calls-per-minute>", `RPC calls per minute per connection, or off (default: ${d.rateLimitPerMinute})`, (v) => parseRateLimit(v) ?? "off")
    .option("--rpc-rate-limit-whitelisted-ips <cidr...>", "peers exempt from --rpc-rate-limit, e.g. 10.0.0.0/8", parseIpBlock)
    .option("--rpc-rate-limit-trust-proxy-headers", "read the peer address for the whitelist from Forwarded / X-Forwarded-For / X-Real-IP")
    .option("--rpc-headers-timeout <s>", `time a client has to send request headers (default: ${d.headersTimeoutMs / 1000})`, seconds("rpc-headers-timeout"))
    .option("--rpc-request-timeout <s>", `time a client has to send a whole request (default: ${d.requestTimeoutMs / 1000})`, seconds("rpc-request-timeout"))
    .option("--rpc-keep-alive-timeout <s>", `idle HTTP keep-alive connections close after (default: ${d.keepAliveTimeoutMs / 1000})`, seconds("rpc-keep-alive-timeout"))
    .option("--rpc-ws-ping-interval <s>", `WebSocket ping period; silent peers are dropped (default: ${d.wsPingIntervalMs / 1000})`, seconds("rpc-ws-ping-interval"));
}

/** The RPC server options the flags set; validated here so a bad combination stops the node before it starts. */
export function rpcOpts(flags: RunFlags): Partial<RpcServerOpts> {
  const set: Partial<RpcServerOpts> = {
    host: flags.rpcExternal ? "0.0.0.0" : "127.0.0.1",
    port: flags.rpcPort,
    rpcMethods: flags.rpcMethods,
    ...(flags.rpcCors ? { cors: parseCors(flags.rpcCors) } : flags.dev ? { cors: "all" as const } : {}),
    maxConnections: flags.rpcMaxConnections,
    maxRequestBytes: flags.rpcMaxRequestSize,
    maxResponseBytes: flags.rpcMaxResponseSize,
    maxBatchLength: flags.rpcMaxBatchRequestLen,
    maxSubscriptionsPerConnection: flags.rpcMaxSubscriptionsPerConnection,
    maxInflightMessagesPerConnection: flags.rpcMessageBufferCapacityPerConnection,
    maxBufferedBytesPerConnection: flags.rpcMaxBufferedPerConnection,
    maxJsonDepth: flags.rpcMaxJsonDepth,
    rateLimitPerMinute: flags.rpcRateLimit === "off" ? null : flags.rpcRateLimit,
    rateLimitWhitelistedIps: flags.rpcRateLimitWhitelistedIps,
    rateLimitTrustProxyHeaders: flags.rpcRateLimitTrustProxyHeaders,
    headersTimeoutMs: flags.rpcHeadersTimeout,
    requestTimeoutMs: flags.rpcRequestTimeout,
    keepAliveTimeoutMs: flags.rpcKeepAliveTimeout,
    wsPingIntervalMs: flags.rpcWsPingInterval,
  };
  const opts = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as Partial<RpcServerOpts>;
  validateRpcServerOpts({ ...RPC_DEFAULTS, ...opts });
  return opts;
}

/**
 * Names the validator's keys (public halves only) and says whether the chain's current sets hold
 * them: a validator that is not elected yet authors and votes once `staking.validate` makes it so.
 */
function logValidatorKeys(logger: Logger, keys: ValidatorKeys, node: ArkreenNode): void {
  const authoring = encodeAddress(keys.authoring.publicKey);
  const finality = toHex(keys.finalityPublicKey);
  logger.info(`Validator keys from ${keys.source}: authoring ${authoring}, finality ${finality}`);
  const set = staking.currentFinalitySet(node.chain.stateAt());
  if (set !== null && !set.authorities.some((a) => toHex(a.finalityKey) === finality)) {
    logger.warn(`The finality key is not in the current finality set: this node votes once it is elected (register the keys with staking.validate; see \`arkreen-node key session-keys\`)`);
  }
}

/**
 * The discovery flags. `--no-private-ip` and `--allow-private-ip`, `--discover-local` and
 * `--no-discover-local` are tri-state: unset leaves the chain type's default (node/network).
 */
function discoveryOpts(flags: RunFlags): { inPeers: number; outPeers: number; reservedNodes?: string[]; reservedOnly: boolean; publicAddresses?: string[]; allowPrivateIp?: boolean; discoverLocal?: boolean } {
  if (flags.allowPrivateIp === true && flags.privateIp === false) throw new Error("--allow-private-ip and --no-private-ip contradict each other");
  const privateIp = flags.privateIp === false ? false : flags.allowPrivateIp === true || flags.privateIp === true ? true : undefined;
  return {
    inPeers: flags.inPeers,
    outPeers: flags.outPeers,
    reservedNodes: flags.reservedNodes,
    reservedOnly: flags.reservedOnly === true,
    publicAddresses: flags.publicAddr,
    allowPrivateIp: privateIp,
    discoverLocal: flags.discoverLocal,
  };
}

/** Exit status after a failed database write such as a full disk (sysexits.h EX_IOERR). */
export const EXIT_DATABASE_WRITE_FAILED = 74;

/** The exit status for an error that ended a command: 74 for a full disk or a failed write, also during start-up. */
export function exitStatusFor(error: unknown): number {
  if (error instanceof DatabaseError && (error.code === "DISK_FULL" || error.code === "WRITE_FAILED")) return EXIT_DATABASE_WRITE_FAILED;
  if ((error as NodeJS.ErrnoException | null)?.code === "ENOSPC") return EXIT_DATABASE_WRITE_FAILED;
  return 1;
}

/**
 * One clear line for a port another process holds, naming the flag that moves it, instead of the
 * listener's error (libp2p wraps it in a paragraph and a stack trace).
 */
function portInUse(error: unknown, flags: RunFlags): Error | null {
  const texts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) texts.push(e.message);
  const match = /EADDRINUSE[^\n]*?:(\d+)/.exec(texts.join("\n"));
  if (!match) return null;
  const busy = Number(match[1]);
  if (busy === flags.port) return new Error(`p2p port ${busy} is in use: choose another with --port`);
  if (busy === flags.rpcPort) return new Error(`RPC port ${busy} is in use: choose another with --rpc-port`);
  if (flags.prometheus && busy === flags.prometheusPort) return new Error(`Prometheus port ${busy} is in use: choose another with --prometheus-port, or --no-prometheus`);
  return new Error(`port ${busy} is in use`);
}

/**
 * `--listen-addr` as Substrate takes it: TCP multiaddrs, IPv4 and IPv6, several at once; a bare
 * address (the older form, `--listen-addr 127.0.0.1`) listens on it at `--port`. Undefined: the
 * default, every IPv4 interface at `--port`.
 */
function listenAddresses(flags: RunFlags): string[] | undefined {
  return flags.listenAddr?.map((value) => {
    if (!value.startsWith("/")) {
      if (isIP(value) === 0) throw new Error(`invalid --listen-addr "${value}": expected a multiaddr such as /ip4/0.0.0.0/tcp/30333, or an IP address`);
      return `/${isIP(value) === 6 ? "ip6" : "ip4"}/${value}/tcp/${flags.port}`;
    }
    let protocols: string[];
    try {
      protocols = multiaddr(value).getComponents().map((c) => c.name);
    } catch (e) {
      throw new Error(`invalid --listen-addr "${value}": ${(e as Error).message}`);
    }
    if (protocols.length !== 2 || !["ip4", "ip6"].includes(protocols[0]) || protocols[1] !== "tcp") {
      throw new Error(`invalid --listen-addr "${value}": the node listens on TCP, e.g. /ip4/0.0.0.0/tcp/30333 or /ip6/::/tcp/30333`);
    }
    return value;
  });
}

/** `--node-key-file` (raw 32 bytes or hex, owner-only) or `--node-key`; null: the one persisted under the base path. */
function selectNodeKey(flags: RunFlags): Uint8Array | null {
  if (flags.nodeKey !== undefined && flags.nodeKeyFile !== undefined) throw new Error("give --node-key or --node-key-file, not both");
  if (flags.nodeKeyFile !== undefined) {
    const bytes = readSecretFileBytes(flags.nodeKeyFile, "node key");
    return bytes.length === 32 ? bytes : parseNodeKeyHex(Buffer.from(bytes).toString("utf8"));
  }
  return flags.nodeKey !== undefined ? parseNodeKeyHex(flags.nodeKey) : null;
}

/** The session keys the best state's sets hold, read before the node opens the database (a temporary base path: genesis's). */
async function bestStateSessionKeys(spec: ChainSpec, basePath: string | null, pruning: PruningRequest, logger: Logger): Promise<ActiveSessionKeys> {
  if (basePath === null) return activeSessionKeysAt(genesisStateReader(buildGenesisBlock(spec)));
  const { chain, close } = await openChainOnly(spec, basePath, logger.child("keys"), pruning);
  try {
    return activeSessionKeysAt(chain.stateAt());
  } finally {
    await close();
  }
}

/** Starts the node and keeps it running until SIGINT/SIGTERM, or until a database write fails. */
export async function runNode(flags: RunFlags): Promise<void> {
  const logger = createLogger({ level: flags.log.level, targets: flags.log.targets, format: flags.logFormat });
  let onFatal: (error: DatabaseError) => void = () => undefined;
  const fatal = new Promise<DatabaseError>((resolve) => (onFatal = resolve));
  const spec = selectChainSpec(flags);
  const basePath = selectBasePath(flags);
  // Every flag is read before the keystore opens: a bad one must not leave a temporary keystore behind.
  const rpc = rpcOpts(flags);
  const pruning = pruningFromFlags(flags);
  const network = {
    port: flags.port,
    listenHost: "0.0.0.0",
    listenAddresses: listenAddresses(flags),
    bootnodes: flags.bootnodes ?? [],
    nodeKey: selectNodeKey(flags),
    ...discoveryOpts(flags),
  };
  const keystore = openNodeKeystore({ keystorePath: flags.keystorePath, basePath, chainId: spec.id });
  let keys: ValidatorKeys | null;
  try {
    keys = await selectValidatorKeys(flags, spec.chainType, {
      env: process.env,
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      keystore: () => keystore.keystore,
      activeKeys: () => bestStateSessionKeys(spec, basePath, pruning, logger),
    });
  } catch (e) {
    keystore.close();
    throw e;
  }
  const service = await NodeService.start(
    {
      spec,
      basePath,
      keystore: authorKeystore(keystore.keystore),
      name: flags.name ?? "arkreen-node",
      validatorSeed: keys?.authoring.secretSeed ?? null,
      finalitySecretKey: keys?.finalitySecretKey ?? null,
      rpc,
      prometheus: flags.prometheus ? { host: flags.prometheusExternal ? "0.0.0.0" : "127.0.0.1", port: flags.prometheusPort } : null,
      network,
      clockOffsetMs: clockOffsetFromEnv(),
      pruning,
    },
    { logger, onFatal: (error) => onFatal(error) },
  ).catch((e: unknown) => {
    keystore.close();
    throw portInUse(e, flags) ?? e;
  });
  if (keys !== null) logValidatorKeys(logger, keys, service.node);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info(`${reason}, shutting down`);
      service
        .stop()
        .catch((e: unknown) => {
          logger.error("Shutdown failed", {}, e);
          process.exitCode = 1;
        })
        .finally(() => {
          keystore.close();
          resolve();
        });
    };
    process.once("SIGINT", () => shutdown("Received SIGINT"));
    process.once("SIGTERM", () => shutdown("Received SIGTERM"));
    void fatal.then((error) => {
      process.exitCode = EXIT_DATABASE_WRITE_FAILED;
      shutdown(`Database write failed (${error.code})`);
    });
  });
}
