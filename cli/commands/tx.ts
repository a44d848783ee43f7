import { Command } from "commander";
import { bigintToBytes } from "../../primitives/bytes.ts";
import { keypairFromSuri } from "../../primitives/keys/suri.ts";
import { decodeAddress, encodeAddress } from "../../primitives/keys/ss58.ts";
import { balances, callNames, findCall } from "../../runtime/api.ts";
import { formatAmount, parseAmount } from "../amount.ts";
import { callArgsFromJson } from "../callArgs.ts";
import { WsRpcClient } from "../rpcClient.ts";
import { submitCall } from "../submitCall.ts";
import { fromHex, isHex } from "../../primitives/bytes.ts";
import type { Ed25519Keypair } from "../../primitives/keys/ed25519.ts";
import { validateArgsFromSessionKeys } from "../keystore.ts";
import { readSecret } from "../secretInput.ts";
import { readUri } from "./key.ts";
import { rpcUrlOption } from "../flagValues.ts";

/** The environment variable that may hold the signer's secret URI (`tx --signer`, `tx transfer --from`). */
export const SIGNER_ENV = "ARKREEN_SIGNER";

/**
 * The signer from `--signer-file` (mode 600), `$ARKREEN_SIGNER`, or `--signer` (a URI, which any
 * local user sees in `ps`, or a file, which like `--signer-file` its owner alone may read; `-`: standard input).
 */
function signerKeypair(flag: string, text: string | undefined, fileFlag: string, file: string | undefined): Ed25519Keypair {
  const suri = readSecret({ what: "signer", value: { flag, text: text === undefined || text === "-" ? text : readUri(text, flag.replace(/^--/, "")) }, file: { flag: fileFlag, path: file }, envName: SIGNER_ENV, env: process.env });
  return keypairFromSuri(suri);
}

const DECIMALS = 18;

async function withClient<T>(url: string, fn: (client: WsRpcClient) => Promise<T>): Promise<T> {
  const client = await WsRpcClient.connect(url);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

interface TransferFlags {
  from?: string;
  fromFile?: string;
  to: string;
  amount: string;
  tip: string;
  rpc: string;
  keepAlive?: boolean;
}

async function transfer(flags: TransferFlags): Promise<void> {
  const signer = signerKeypair("--from", flags.from, "--from-file", flags.fromFile);
  const dest = decodeAddress(flags.to);
  const amount = parseAmount(flags.amount, DECIMALS);
  const call = { module: "balances", method: flags.keepAlive ? "transferKeepAlive" : "transfer", args: balances.transferArgs.encode({ dest, value: bigintToBytes(amount) }) };
  process.stdout.write(`Transfer ${formatAmount(amount, DECIMALS)} AKRE from ${encodeAddress(signer.publicKey)} to ${encodeAddress(dest)}\n`);
  await withClient(flags.rpc, (client) => submitCall(client, signer, call, { tip: parseAmount(flags.tip, DECIMALS) }));
  process.stdout.write("Transfer succeeded\n");
}

interface CallFlags {
  signer?: string;
  signerFile?: string;
  sessionKeys?: string;
  args: string;
  tip: string;
  rpc: string;
}

/** `tx <module>.<call> --signer <suri> --args <json>`: any call of the runtime. */
async function genericCall(name: string, flags: CallFlags): Promise<void> {
  const [module, method] = name.split(".");
  const def = module && method ? findCall(module, method) : undefined;
  if (!def) throw new Error(`unknown call "${name}"; calls: ${callNames().join(", ")}`);
  let json: unknown;
  try {
    json = JSON.parse(flags.args);
  } catch (e) {
    throw new Error(`--args is not JSON: ${(e as Error).message}`);
  }
  if (flags.sessionKeys !== undefined) {
    if (name !== "staking.validate") throw new Error("--session-keys is for staking.validate only");
    if (!isHex(flags.sessionKeys)) throw new Error("--session-keys: expected the 0x-hex blob author_rotateKeys or key generate-session-keys printed");
    json = { ...(json as object), ...validateArgsFromSessionKeys(fromHex(flags.sessionKeys)) };
  }
  const signer = signerKeypair("--signer", flags.signer, "--signer-file", flags.signerFile);
  const args = def.args.type.encode(callArgsFromJson(def.args.type, json)).finish();
  def.args.decode(args); // the runtime will decode it the same way: fail here, not in a block
  await withClient(flags.rpc, (client) => submitCall(client, signer, { module, method, args }, { tip: parseAmount(flags.tip, DECIMALS) }));
  process.stdout.write(`${name} succeeded\n`);
}

/** `tx transfer …` and `tx <module>.<call> …`: sign, submit, wait for inclusion, exit non-zero on failure. */
export function txCommand(): Command {
  const tx = new Command("tx")
    .description("sign and submit transactions to a node over JSON-RPC; exits non-zero unless the call succeeds in a block")
    .argument("[call]", "<module>.<call>, e.g. devices.register (see --help for the list)")
    .option("--signer-file <path>", "file (mode 600) holding the signer's secret URI")
    .option("--signer <suri>", `secret URI of the signer (e.g. //Alice; any local user sees it in ps), a file holding it, or - for standard input; prefer --signer-file or $${SIGNER_ENV}`)
    .option("--args <json>", "the call's arguments as a JSON object", "{}")
    .option("--session-keys <hex>", "staking.validate: the session keys with their proofs, as author_rotateKeys([stash]) or key generate-session-keys --stash print them")
    .option("--tip <AKRE>", "tip for the block author", "0")
    .addOption(rpcUrlOption())
    .addHelpText("after", () => `\nCalls: ${callNames().join(", ")}`)
    .enablePositionalOptions()
    .action(async (call: string | undefined, flags: CallFlags) => {
      if (!call) throw new Error("name a call: tx <module>.<call> --signer-file <path> --args <json>, or tx transfer");
      await genericCall(call, flags);
    });
  tx.command("transfer")
    .description("transfer AKRE")
    .option("--from-file <path>", "file (mode 600) holding the sender's secret URI")
    .option("--from <suri>", `secret URI of the sender (e.g. //Alice; any local user sees it in ps), a file holding it, or - for standard input; prefer --from-file or $${SIGNER_ENV}`)
    .requiredOption("--to <address>", "SS58 address or 0x account id of the recipient")
    .requiredOption("--amount <AKRE>", "amount in AKRE, e.g. 1.5")
    .option("--tip <AKRE>", "tip for the block author", "0")
    .option("--keep-alive", "fail rather than take the sender below the existential deposit")
    .addOption(rpcUrlOption())
    .action(transfer);
  return tx;
}
