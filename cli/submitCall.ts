import { fromHex, toHex } from "../primitives/bytes.ts";
import { codecs, type Call, type EventRecord } from "../primitives/codec/index.ts";
import type { Ed25519Keypair } from "../primitives/keys/ed25519.ts";
import { encodeAddress } from "../primitives/keys/ss58.ts";
import { decodeEvent, extrinsicHash, signExtrinsic, system } from "../runtime/api.ts";
import { formatAmount } from "./amount.ts";
import type { WsRpcClient } from "./rpcClient.ts";

const DECIMALS = 18;
/** Signed extrinsics are valid for 64 blocks, so a stuck one never lands much later by surprise. */
const MORTALITY_PERIOD = 64;

export interface CallOutcome {
  blockHash: string;
  number: number;
  index: number;
  events: EventRecord[];
}

type Status = string | Record<string, string>;

/** Waits for the extrinsic's `inBlock` (or a terminal failure) over author_submitAndWatchExtrinsic. */
function submitAndWatch(client: WsRpcClient, xt: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    client
      .subscribe("author_submitAndWatchExtrinsic", [toHex(xt)], (result) => {
        const status = result as Status;
        if (typeof status === "object" && status.inBlock) resolve(status.inBlock);
        else if (status === "invalid" || status === "dropped" || (typeof status === "object" && status.usurped)) {
          reject(new Error(`transaction ${typeof status === "string" ? status : JSON.stringify(status)}`));
        }
      })
      .catch(reject);
  });
}

/**
 * Signs `call` as `signer` (next nonce, 64-block mortality), submits it, waits for inclusion,
 * prints the block and the fee, and throws if the call failed in the block.
 */
export async function submitCall(client: WsRpcClient, signer: Ed25519Keypair, call: Call, opts: { tip?: bigint; log?: (line: string) => void } = {}): Promise<CallOutcome> {
  const log = opts.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const genesisHash = fromHex(await client.call<string>("chain_getBlockHash", [0]));
  const nonce = await client.call<number>("system_accountNextIndex", [toHex(signer.publicKey)]);
  const best = parseInt((await client.call<{ number: string }>("chain_getHeader", [])).number, 16);
  const xt = signExtrinsic(genesisHash, signer.secretSeed, call, { nonce, tip: opts.tip ?? 0n, mortality: { birth: best, period: MORTALITY_PERIOD } });
  log(`Extrinsic ${toHex(extrinsicHash(xt))} (${call.module}.${call.method}) submitted by ${encodeAddress(signer.publicKey)} with nonce ${nonce}`);
  const blockHash = await submitAndWatch(client, xt);
  const block = await client.call<{ block: { header: { number: string }; extrinsics: string[] } }>("chain_getBlock", [blockHash]);
  const index = block.block.extrinsics.indexOf(toHex(xt));
  const number = parseInt(block.block.header.number, 16);
  log(`Included in block #${number} (${blockHash}) at index ${index}`);
  const raw = await client.call<string | null>("state_getStorage", [toHex(system.EVENTS_STORAGE_KEY), blockHash]);
  const events = (raw ? codecs.eventList.decode(fromHex(raw)).events : []).filter((e) => e.phase === 0 && e.extrinsicIndex === index);
  const decoded = events.map(decodeEvent);
  // The fee event comes first, then the call's own events, then system's outcome.
  for (const [i, e] of decoded.entries()) {
    if (e.module === "transactionPayment") log(`Fee paid: ${formatAmount(BigInt(e.data.actualFee), DECIMALS)} AKRE`);
    else if (e.module !== "system") log(`Event ${e.module}.${e.name} ${events[i].data}`);
  }
  for (const e of decoded) {
    if (e.module !== "system" || e.name !== "ExtrinsicFailed") continue;
    const { module, error, ...details } = e.data;
    const extra = Object.entries(details).map(([k, v]) => `${k}=${String(v)}`).join(" ");
    throw new Error(`${call.module}.${call.method} failed: ${module}.${error}${extra ? ` (${extra})` : ""}`);
  }
  return { blockHash, number, index, events };
}
