import { readFileSync } from "node:fs";
import { Command } from "commander";
import { fromHex, isHex, toHex } from "../../primitives/bytes.ts";
import { buildGenesisBlock } from "../../genesis/build.ts";
import { genesisCheckpoint } from "../../node/finality/checkpoint.ts";
import { checkCheckpoint, type Checkpoint } from "../../light/codec.ts";
import { LightVerifyError } from "../../light/errors.ts";
import type * as Light from "../../light/index.ts";
import type { RecBundleReport } from "../../light/verifyRecBundle.ts";
import { nativeLightBls } from "../lightNativeBls.ts";
import { selectChainSpec } from "../chainSelection.ts";
import { rpcUrlOption } from "../flagValues.ts";
import { WsRpcClient } from "../rpcClient.ts";

/** What `rec prove` writes: the bundle (light/recBundle.proto) as hex, with what it is for. */
export interface RecBundleFile {
  format: "arkreen-rec-bundle";
  version: 1;
  recId: number;
  bundle: string;
}

/** A checkpoint file (docs/proofs.md, "Checkpoint files"): the trust anchor `rec verify --checkpoint` starts from. */
export interface CheckpointFile {
  format: "arkreen-finality-checkpoint";
  genesisHash: string;
  setId: number;
  authorities: Array<{ finalityKey: string; weight: string }>;
  instantAuthority: string | null;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${value}`);
  return n;
}

function hexField(value: unknown, name: string): Uint8Array {
  if (typeof value !== "string" || !isHex(value)) throw new Error(`${name}: expected 0x-hex`);
  return fromHex(value);
}

export function checkpointToFile(c: Checkpoint): CheckpointFile {
  return {
    format: "arkreen-finality-checkpoint",
    genesisHash: toHex(c.genesisHash),
    setId: c.setId,
    authorities: c.authorities.map((a) => ({ finalityKey: toHex(a.finalityKey), weight: a.weight.toString() })),
    instantAuthority: c.instantAuthority === null ? null : toHex(c.instantAuthority),
  };
}

export function checkpointFromFile(json: unknown): Checkpoint {
  const f = json as Partial<CheckpointFile>;
  if (typeof f !== "object" || f === null || f.format !== "arkreen-finality-checkpoint") throw new Error("not a checkpoint file (format: arkreen-finality-checkpoint)");
  if (!Array.isArray(f.authorities)) throw new Error("authorities: expected an array");
  // A JSON number only: `Number()` would read a missing set id as NaN and null, "" or [] as set 0.
  if (typeof f.setId !== "number" || !Number.isSafeInteger(f.setId) || f.setId < 0) throw new Error(`setId: expected a non-negative integer, got ${JSON.stringify(f.setId) ?? "nothing"}`);
  const checkpoint: Checkpoint = {
    genesisHash: hexField(f.genesisHash, "genesisHash"),
    setId: f.setId,
    authorities: f.authorities.map((a, i) => {
      if (typeof a?.weight !== "string" || !/^[0-9]+$/.test(a.weight)) throw new Error(`authorities[${i}].weight: expected a decimal string`);
      return { finalityKey: hexField(a.finalityKey, `authorities[${i}].finalityKey`), weight: BigInt(a.weight) };
    }),
    instantAuthority: f.instantAuthority === null || f.instantAuthority === undefined ? null : hexField(f.instantAuthority, "instantAuthority"),
  };
  checkCheckpoint(checkpoint);
  return checkpoint;
}

/** The trust anchor the user names: a chain spec's genesis (`--chain`) or a checkpoint file. */
function trustAnchor(flags: { chain?: string; checkpoint?: string }): { checkpoint: Checkpoint; from: string } {
  if ((flags.chain === undefined) === (flags.checkpoint === undefined)) throw new Error("name one trust anchor: --chain <dev|local|spec.json> or --checkpoint <file>");
  if (flags.checkpoint !== undefined) return { checkpoint: checkpointFromFile(JSON.parse(readFileSync(flags.checkpoint, "utf8"))), from: `checkpoint file ${flags.checkpoint}` };
  const spec = selectChainSpec({ chain: flags.chain });
  return { checkpoint: genesisCheckpoint(buildGenesisBlock(spec)), from: `the genesis of chain spec "${spec.name}" (${flags.chain})` };
}

function setIdOfCheckpointFile(path: string | undefined, fromSet: number | undefined): number {
  if (fromSet !== undefined) return fromSet;
  if (path === undefined) return 0;
  return checkpointFromFile(JSON.parse(readFileSync(path, "utf8"))).setId;
}

/** The report, level by level, as `rec verify` prints it. */
export function formatReport(report: RecBundleReport, anchor: string): string {
  const r = report.rec;
  const lines = [
    `Trust anchor: ${anchor}`,
    `[1/4] finality: block #${report.finality.block} ${report.finality.hash} is final (finalized by more than 2/3 of the stake of authority set ${report.finality.setId}; ${report.finality.fragments} proof fragment(s) from the anchor)`,
    `[2/4] REC ${r.id} in the state of that block: ${r.status}, serial ${r.serial}, issuer ${r.issuer}${r.issuerName === null ? " (no longer an issuer)" : ` (${r.issuerName})`}, owner ${r.owner}, ${r.energyWh} Wh held, ${r.retiredWh} Wh retired${r.origin !== 0 ? `, split from REC ${r.parent} (origin ${r.origin})` : ""}`,
    ...report.retirements.map((t) => `      retirement ${t.id}: ${t.amountWh} Wh for "${t.beneficiary}" by ${t.owner} in block #${t.block}${t.message ? ` ("${t.message}")` : ""}`),
    ...report.devices.map((d) => `      device ${d.deviceId}: ${d.kind}, ${d.capacityW} W at ${d.location}, ${d.status}, keys ${d.keys.map((k) => `${k.key.slice(0, 18)}… from block #${k.setAt}`).join(", ")}`),
    `[3/4] readings: ${report.slots.length} credited by the chain (each reading's hash, device, interval and energy match the REC's slot list; ${report.slotsWh} Wh in all)`,
    `[4/4] device signatures: ${report.signedReadings} verified against the device key in force at the crediting block; ${report.unsignedReadings} reading(s) carried none (the serving node did not hold them)`,
    "OK: every check passed",
  ];
  return lines.join("\n") + "\n";
}

/**
 * The verifier (light/) with native blst installed, loaded when a command verifies: light/'s WASM
 * BLS initialises as it is imported, which a node process started by the same CLI never needs.
 * Native blst, because light/'s own WASM BLS is 6-7x slower in Node (docs/proofs.md, "BLS backend").
 */
async function loadVerifier(): Promise<typeof Light> {
  const light = await import("../../light/index.ts");
  light.useBlsBackend(nativeLightBls);
  return light;
}

/** `rec prove`, `rec verify`, `rec checkpoint`. */
export function recCommand(): Command {
  const rec = new Command("rec").description("renewable-energy certificates: proof bundles verified offline").enablePositionalOptions();
  rec
    .command("prove")
    .description("fetch a proof bundle of a REC from a node (rec_prove) and write it to stdout as JSON")
    .argument("<id>", "REC id", nonNegativeInt)
    .addOption(rpcUrlOption())
    .option("--from-set <n>", "the authority set the finality proof starts from (default: the checkpoint's, else 0)", nonNegativeInt)
    .option("--checkpoint <file>", "start the finality proof at this checkpoint file's set")
    .option("--at <hash>", "prove the REC as it was at this finalized block (one with its own justification); default: the latest finalized block")
    .action(async (id: number, flags: { rpc: string; fromSet?: number; checkpoint?: string; at?: string }) => {
      const client = await WsRpcClient.connect(flags.rpc);
      try {
        const bundle = await client.call<string>("rec_prove", [id, setIdOfCheckpointFile(flags.checkpoint, flags.fromSet), flags.at ?? null]);
        const file: RecBundleFile = { format: "arkreen-rec-bundle", version: 1, recId: id, bundle };
        process.stdout.write(JSON.stringify(file, null, 2) + "\n");
      } finally {
        client.close();
      }
    });
  rec
    .command("verify")
    .description("verify a REC proof bundle offline, from a chain spec's genesis or a checkpoint file; exit code 0 only when every check passed")
    .argument("<bundle>", "bundle file written by rec prove")
    .option("--chain <spec>", "trust the genesis of this chain spec: dev, local or a spec file")
    .option("--checkpoint <file>", "trust this checkpoint file (rec checkpoint)")
    .action(async (path: string, flags: { chain?: string; checkpoint?: string }) => {
      const anchor = trustAnchor(flags);
      const file = JSON.parse(readFileSync(path, "utf8")) as Partial<RecBundleFile>;
      if (file.format !== "arkreen-rec-bundle" || typeof file.bundle !== "string" || !isHex(file.bundle)) throw new Error(`${path}: not a REC bundle file (format: arkreen-rec-bundle)`);
      const { verifyRecBundle } = await loadVerifier();
      try {
        process.stdout.write(formatReport(verifyRecBundle(anchor.checkpoint, fromHex(file.bundle)), anchor.from));
      } catch (e) {
        if (!(e instanceof LightVerifyError)) throw e;
        const { code, ...item } = e.toObject() as { code: string } & Record<string, unknown>;
        process.stdout.write(`Trust anchor: ${anchor.from}\nFAILED check ${code}: ${JSON.stringify(item, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
        process.exitCode = 1;
      }
    });
  rec
    .command("checkpoint")
    .description("write a checkpoint file of the node's latest finality set, verified from a chain spec's genesis (or a previous checkpoint)")
    .addOption(rpcUrlOption())
    .option("--chain <spec>", "trust the genesis of this chain spec: dev, local or a spec file")
    .option("--checkpoint <file>", "start from this checkpoint file instead")
    .action(async (flags: { rpc: string; chain?: string; checkpoint?: string }) => {
      let { checkpoint } = trustAnchor(flags);
      const { verifyFinalityProof } = await loadVerifier();
      const client = await WsRpcClient.connect(flags.rpc);
      try {
        for (;;) {
          const proof = await client.call<string | null>("finality_proveFinality", [checkpoint.setId]);
          if (proof === null) break;
          const result = verifyFinalityProof(checkpoint, fromHex(proof));
          const advanced = result.setId !== checkpoint.setId;
          checkpoint = { genesisHash: checkpoint.genesisHash, setId: result.setId, authorities: result.authorities, instantAuthority: checkpoint.instantAuthority };
          if (result.complete || !advanced) break;
        }
      } finally {
        client.close();
      }
      process.stdout.write(JSON.stringify(checkpointToFile(checkpoint), null, 2) + "\n");
    });
  return rec;
}
