import { Command } from "commander";
import { bigintToBytes, fromHex, toHex } from "../../primitives/bytes.ts";
import { codecs, type EventRecord } from "../../primitives/codec/index.ts";
import { keypairFromSuri } from "../../primitives/keys/suri.ts";
import { decodeAddress, encodeAddress } from "../../primitives/keys/ss58.ts";
import { signExtrinsic, extrinsicHash } from "../../runtime/extrinsic.ts";
import { transferArgs } from "../../runtime/modules/balances/calls.ts";
import { Events } from "../../runtime/modules/system/storage.ts";
import { formatAmount, parseAmount } from "../amount.ts";
import { WsRpcClient } from "../rpcClient.ts";

const DECIMALS = 18;
/** A signed transfer is valid for 64 blocks, so a stuck one never lands much later by surprise. */
const MORTALITY_PERIOD = 64;

interface TransferFlags {
  from: string;
  to: string;
  amount: string;
  tip: string;
  rpc: string;
  keepAlive?: boolean;
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

/** The events the extrinsic at `index` deposited in block `blockHash`. */
async function extrinsicEvents(client: WsRpcClient, blockHash: string, index: number): Promise<EventRecord[]> {
  const raw = await client.call<string | null>("state_getStorage", [toHex(Events.key), blockHash]);
  const events = raw ? codecs.eventList.decode(fromHex(raw)).events : [];
  return events.filter((e) => e.phase === 0 && e.extrinsicIndex === index);
}

async function transfer(flags: TransferFlags): Promise<void> {
  const signer = keypairFromSuri(flags.from);
  const dest = decodeAddress(flags.to);
  const amount = parseAmount(flags.amount, DECIMALS);
  const tip = parseAmount(flags.tip, DECIMALS);
  const client = await WsRpcClient.connect(flags.rpc);
  try {
    const genesisHash = fromHex(await client.call<string>("chain_getBlockHash", [0]));
    const nonce = await client.call<number>("system_accountNextIndex", [toHex(signer.publicKey)]);
    const best = parseInt((await client.call<{ number: string }>("chain_getHeader", [])).number, 16);
    const call = {
      module: "balances",
      method: flags.keepAlive ? "transferKeepAlive" : "transfer",
      args: transferArgs.encode({ dest, value: bigintToBytes(amount) }),
    };
    const xt = signExtrinsic(genesisHash, signer.secretSeed, call, { nonce, tip, mortality: { birth: best, period: MORTALITY_PERIOD } });
    process.stdout.write(`Transfer ${formatAmount(amount, DECIMALS)} AKRE from ${encodeAddress(signer.publicKey)} to ${encodeAddress(dest)} (nonce ${nonce})\n`);
    process.stdout.write(`Extrinsic ${toHex(extrinsicHash(xt))} submitted\n`);
    const blockHash = await submitAndWatch(client, xt);
    const block = await client.call<{ block: { header: { number: string }; extrinsics: string[] } }>("chain_getBlock", [blockHash]);
    const index = block.block.extrinsics.indexOf(toHex(xt));
    const number = parseInt(block.block.header.number, 16);
    process.stdout.write(`Included in block #${number} (${blockHash}) at index ${index}\n`);
    const events = await extrinsicEvents(client, blockHash, index);
    const fee = events.find((e) => e.name === "TransactionFeePaid");
    if (fee) process.stdout.write(`Fee paid: ${formatAmount(BigInt(JSON.parse(fee.data).actualFee), DECIMALS)} AKRE\n`);
    const failed = events.find((e) => e.module === "system" && e.name === "ExtrinsicFailed");
    if (failed) {
      const { module, error } = JSON.parse(failed.data) as { module: string; error: string };
      throw new Error(`transfer failed: ${module}.${error}`);
    }
    process.stdout.write("Transfer succeeded\n");
  } finally {
    client.close();
  }
}

/** `tx transfer --from <suri> --to <address> --amount <AKRE>`: submits, waits for inclusion, reports the outcome. */
export function txCommand(): Command {
  const tx = new Command("tx").description("sign and submit transactions to a node over JSON-RPC");
  tx.command("transfer")
    .description("transfer AKRE; exits non-zero unless the transfer succeeds in a block")
    .requiredOption("--from <suri>", "secret URI of the sender, e.g. //Alice")
    .requiredOption("--to <address>", "SS58 address or 0x account id of the recipient")
    .requiredOption("--amount <AKRE>", "amount in AKRE, e.g. 1.5")
    .option("--tip <AKRE>", "tip for the block author", "0")
    .option("--keep-alive", "fail rather than take the sender below the existential deposit")
    .option("--rpc <url>", "node WebSocket RPC endpoint", "ws://127.0.0.1:9944")
    .action(transfer);
  return tx;
}
