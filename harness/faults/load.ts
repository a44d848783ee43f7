/**
 * The load that runs through every fault scenario: signed transfers from two dev accounts and
 * signed meter readings from a few registered devices, each sent to whichever node is up, in
 * turn. Both are resent until the chain has them, exactly as a wallet or a gateway retries: the
 * same bytes (ed25519 and BLS signatures are deterministic), so a retry can never be a second
 * transaction or a second reading — only a bug can apply one twice, which the audit looks for.
 */
import { bigintToBytes, fromHex, toHex, utf8 } from "../../primitives/bytes.ts";
import { blsKeypairFromSeed, blsSign, type BlsKeypair } from "../../primitives/blsKeys.ts";
import { blake2b256 } from "../../primitives/hash.ts";
import { devKeypair, type DevAccountName } from "../../primitives/keys/devAccounts.ts";
import { extrinsicHash, signExtrinsic } from "../../runtime/extrinsic.ts";
import { transferArgs } from "../../runtime/modules/balances/types.ts";
import { DeviceIdByKey } from "../../runtime/modules/devices/storage.ts";
import { readingSigningRoot, type Reading } from "../../runtime/modules/pog/types.ts";
import { sleep, waitUntil } from "../process.ts";
import { registerCall } from "../energy.ts";
import type { FaultNet } from "./faultNet.ts";
import { call, u32At } from "./rpc.ts";

/** Senders that are not validators, so that no equivocation report by a validator touches their nonces. */
export const TRANSFER_SENDERS: DevAccountName[] = ["Eve", "Ferdie"];
/** Owns the load's devices; Alice is the `local` preset's registrar. */
const DEVICE_OWNER: DevAccountName = "Eve";
const REGISTRAR: DevAccountName = "Alice";
const RECIPIENT: DevAccountName = "Bob";
/**
 * Transfers a sender keeps in flight: with a 1 s slot and two senders about 4 transfers/s, a
 * steady load far below a block's capacity, so that what the scenarios see is the faults.
 */
const TRANSFER_WINDOW = 2;
const TRANSFER_TICK_MS = 500;
/** Past intervals whose readings are resent each tick (those an abandoned fork took with it). */
const READING_RESEND_INTERVALS = 3;
const READING_TICK_MS = 1000;
const READING_ENERGY_WH = 1;

/** Round-robin over the nodes that are up when asked. */
function nextTarget(net: FaultNet, counter: { n: number }): number | null {
  const up = net.upIndices();
  return up.length === 0 ? null : up[counter.n++ % up.length];
}

/** A loop of `tick` every `intervalMs` until `stop()`; a failing tick (a node went down mid-call) is just skipped. */
class Ticker {
  private readonly intervalMs: number;
  private readonly tick: () => Promise<void>;
  private running = false;
  private done: Promise<void> = Promise.resolve();

  constructor(intervalMs: number, tick: () => Promise<void>) {
    this.intervalMs = intervalMs;
    this.tick = tick;
  }

  start(): void {
    this.running = true;
    this.done = (async () => {
      while (this.running) {
        const started = Date.now();
        await this.tick().catch(() => {});
        await sleep(Math.max(0, this.intervalMs - (Date.now() - started)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

export interface SubmittedTransfer {
  sender: DevAccountName;
  nonce: number;
}

export class TransferLoad {
  /** Every distinct transfer sent, by extrinsic hash. */
  readonly submitted = new Map<string, SubmittedTransfer>();
  private readonly genesisHash: Uint8Array;
  private readonly net: FaultNet;
  private readonly target = { n: 0 };
  private readonly ticker = new Ticker(TRANSFER_TICK_MS, () => this.tick());

  constructor(net: FaultNet, genesisHash: Uint8Array) {
    this.net = net;
    this.genesisHash = genesisHash;
  }

  start(): void {
    this.ticker.start();
  }

  stop(): Promise<void> {
    return this.ticker.stop();
  }

  /** The signed transfer of `sender` at `nonce`: always the same bytes. */
  transfer(sender: DevAccountName, nonce: number): Uint8Array {
    const transferCall = { module: "balances", method: "transfer", args: transferArgs.encode({ dest: devKeypair(RECIPIENT).publicKey, value: bigintToBytes(10n ** 15n) }) };
    return signExtrinsic(this.genesisHash, devKeypair(sender).secretSeed, transferCall, { nonce });
  }

  /** For each sender: its nonce on one node, then the transfers at that nonce and the next ones in the window. */
  private async tick(): Promise<void> {
    for (const sender of TRANSFER_SENDERS) {
      const index = nextTarget(this.net, this.target);
      if (index === null) return;
      const node = this.net.node(index);
      const account = await call<{ nonce: string }>(node, "system_account", [toHex(devKeypair(sender).publicKey)], 2000);
      for (let nonce = Number(account.nonce); nonce < Number(account.nonce) + TRANSFER_WINDOW; nonce++) {
        const bytes = this.transfer(sender, nonce);
        this.submitted.set(toHex(extrinsicHash(bytes)), { sender, nonce });
        // Already in the pool, or already included on this node's chain: both are expected answers to a resend.
        await call(node, "author_submitExtrinsic", [toHex(bytes)], 2000).catch(() => {});
      }
    }
  }
}

export interface LoadDevice {
  deviceId: number;
  key: BlsKeypair;
}

export class ReadingLoad {
  readonly devices: LoadDevice[];
  /** `deviceId:interval` of every reading sent. */
  readonly submitted = new Set<string>();
  /** What the nodes answered to readings sent for the first time (resends are refused as known). */
  readonly answers = { accepted: 0, refused: new Map<string, number>() };
  private readonly net: FaultNet;
  private readonly genesisHash: Uint8Array;
  private readonly intervalMs: number;
  /** The meter starts at this interval (cumulative = intervals since it, times the energy). */
  private readonly firstInterval: number;
  private readonly target = { n: 0 };
  private readonly ticker = new Ticker(READING_TICK_MS, () => this.tick());

  private constructor(net: FaultNet, genesisHash: Uint8Array, devices: LoadDevice[]) {
    this.net = net;
    this.genesisHash = genesisHash;
    this.devices = devices;
    this.intervalMs = net.readingIntervalSecs * 1000;
    this.firstInterval = this.currentInterval();
  }

  /** Registers `count` solar meters of Eve (countersigned by Alice, the registrar) through node 0 and waits for their ids. */
  static async register(net: FaultNet, genesisHash: Uint8Array, count: number): Promise<ReadingLoad> {
    const node = net.node(0);
    const owner = devKeypair(DEVICE_OWNER);
    const keys = Array.from({ length: count }, (_, i) => blsKeypairFromSeed(blake2b256(utf8(`arkreen/faults/device/${i}`))));
    let nonce = await call<number>(node, "system_accountNextIndex", [toHex(owner.publicKey)]);
    for (const key of keys) {
      const xt = signExtrinsic(genesisHash, owner.secretSeed, registerCall(genesisHash, owner, key, devKeypair(REGISTRAR)), { nonce: nonce++ });
      await call(node, "author_submitExtrinsic", [toHex(xt)]);
    }
    const ids: number[] = [];
    await waitUntil(
      async () => {
        while (ids.length < keys.length) {
          const id = await u32At(node, DeviceIdByKey.key(keys[ids.length].publicKey));
          if (id === null) return false;
          ids.push(id);
        }
        return true;
      },
      30 * net.slotMs,
      `${count} devices registered`,
      250,
    );
    return new ReadingLoad(
      net,
      genesisHash,
      keys.map((key, i) => ({ deviceId: ids[i], key })),
    );
  }

  start(): void {
    this.ticker.start();
  }

  stop(): Promise<void> {
    return this.ticker.stop();
  }

  currentInterval(): number {
    return Math.floor(Date.now() / this.intervalMs);
  }

  /** The reading of `device` for `interval`: always the same, so always the same signature. */
  reading(device: LoadDevice, interval: number): Reading {
    return { deviceId: device.deviceId, interval, energyWh: READING_ENERGY_WH, cumulativeWh: (interval - this.firstInterval + 1) * READING_ENERGY_WH, peakW: 1000 };
  }

  /** Every device's readings for the last completed intervals, to one node. */
  private async tick(): Promise<void> {
    const index = nextTarget(this.net, this.target);
    if (index === null) return;
    const now = this.currentInterval();
    const batch: Array<{ key: string; json: Reading & { signature: string } }> = [];
    for (let interval = Math.max(this.firstInterval, now - READING_RESEND_INTERVALS); interval < now; interval++) {
      for (const device of this.devices) {
        const reading = this.reading(device, interval);
        batch.push({ key: `${device.deviceId}:${interval}`, json: { ...reading, signature: toHex(blsSign(device.key.secretKey, readingSigningRoot(this.genesisHash, reading))) } });
      }
    }
    if (batch.length === 0) return;
    const results = await call<Array<{ accepted: boolean; reason?: string }>>(this.net.node(index), "pog_submitReadings", [batch.map((b) => b.json)], 2000);
    results.forEach((result, i) => {
      if (this.submitted.has(batch[i].key)) return;
      this.submitted.add(batch[i].key);
      if (result.accepted) this.answers.accepted++;
      else this.answers.refused.set(result.reason ?? "?", (this.answers.refused.get(result.reason ?? "?") ?? 0) + 1);
    });
  }
}

/** The genesis hash, as the load signs with it. */
export async function genesisHashOf(net: FaultNet): Promise<Uint8Array> {
  return fromHex(await call<string>(net.node(0), "chain_getBlockHash", [0]));
}
