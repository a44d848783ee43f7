import type { Call } from "../primitives/codec/index.ts";
import type { Ed25519Keypair } from "../primitives/keys/ed25519.ts";
import { accountFromSeed, ClientError, signCall, submitAndWatch, type BlockEvent } from "../client/index.ts";
import { formatAmount } from "./amount.ts";
import type { WsRpcClient } from "./rpcClient.ts";

const DECIMALS = 18;

export interface CallOutcome {
  blockHash: string;
  number: number;
  index: number;
  events: BlockEvent[];
}

/**
 * Signs `call` as `signer` with the client library (next nonce, 64-block mortality), submits it,
 * waits for inclusion, prints the block, the fee and the call's events, and throws if the call
 * failed in the block.
 */
export async function submitCall(client: WsRpcClient, signer: Ed25519Keypair, call: Call, opts: { tip?: bigint; log?: (line: string) => void } = {}): Promise<CallOutcome> {
  const log = opts.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const account = accountFromSeed(signer.secretSeed);
  const tx = await signCall(client.api, account, call, { tip: opts.tip ?? 0n });
  log(`Extrinsic ${tx.hash} (${call.module}.${call.method}) submitted by ${account.address} with nonce ${tx.nonce}`);
  let outcome;
  try {
    outcome = await submitAndWatch(client.api, tx);
  } catch (e) {
    if (!(e instanceof ClientError) || e.code !== "TX_FAILED") throw e;
    const data = e.data as { blockHash: string; blockNumber: number; index: number; events: BlockEvent[]; fee: bigint; error: Record<string, unknown> };
    report(log, data.blockHash, data.blockNumber, data.index, data.events, data.fee);
    const { module, error, ...details } = data.error;
    const extra = Object.entries(details).map(([k, v]) => `${k}=${String(v)}`).join(" ");
    throw new Error(`${call.module}.${call.method} failed: ${String(module)}.${String(error)}${extra ? ` (${extra})` : ""}`);
  }
  report(log, outcome.blockHash, outcome.blockNumber, outcome.index, outcome.events, outcome.fee);
  return { blockHash: outcome.blockHash, number: outcome.blockNumber, index: outcome.index, events: outcome.events };
}

function report(log: (line: string) => void, blockHash: string, number: number, index: number, events: BlockEvent[], fee: bigint): void {
  log(`Included in block #${number} (${blockHash}) at index ${index}`);
  // The fee event comes first, then the call's own events, then system's outcome.
  for (const e of events) {
    if (e.module === "transactionPayment") log(`Fee paid: ${formatAmount(fee, DECIMALS)} AKRE`);
    else if (e.module !== "system") log(`Event ${e.module}.${e.name} ${JSON.stringify(e.data)}`);
  }
}
