/**
 * What the verifier page (light/web/main.ts) does with the two files a user drops, without the
 * DOM, so that Node tests and the benchmark run exactly the page's code: read the trust anchor
 * (a checkpoint the user chose — never taken from the proof file), recognise the proof file's
 * kind, verify it with light/ and report each level. A new kind of proof (the REC bundle) is one
 * more entry of `INPUT_KINDS`.
 */
import { fromHex, isHex, toHex } from "../../primitives/bytes.ts";
import { ArkreenError } from "../../primitives/errors.ts";
import { checkCheckpoint, decodeCheckpoint, type Checkpoint } from "../codec.ts";
import { LightVerifyError } from "../errors.ts";
import { verifyFinalityProof, type FinalityResult } from "../verifyFinality.ts";
import { verifyRecBundle, type RecBundleReport } from "../verifyRecBundle.ts";
import { verifyStorage } from "../verifyStorage.ts";

export type VerifierInputErrorType = { code: "INPUT_UNREADABLE"; file: "anchor" | "proof"; reason: string } | { code: "INPUT_KIND_UNKNOWN"; reason: string };

/** A dropped file that the page cannot read, or whose kind it does not know. */
export class VerifierInputError extends ArkreenError<VerifierInputErrorType> {}

/** One level of what a verification established (or the check that failed it). */
export interface Level {
  /** What the level establishes, e.g. "finality". */
  name: string;
  ok: boolean;
  /** What was established, or the failed check's item. */
  detail: string;
  /** The failed check's code (`LightVerifyError` or `VerifierInputError`), when not ok. */
  check?: string;
}

export interface Report {
  /** The proof file's kind (`InputKind.name`), or null when it was not recognised. */
  kind: string | null;
  levels: Level[];
  /** True when every level passed. */
  passed: boolean;
  /** Milliseconds spent verifying (decoding the trust anchor and the proof included, reading the files not). */
  verifyMs: number;
}

/** A kind of proof file the page verifies. */
export interface InputKind<T> {
  name: string;
  /** The names of the levels `verify` appends, in order: the one after those passed is the one that failed. */
  levels: readonly string[];
  /** The level a failed check belongs to, where `verify` checks all levels before it appends any. */
  levelOfCheck?(code: string): string;
  /** The proof in `content`, or null when `content` is not of this kind. Throws `VerifierInputError` when it is, but malformed. */
  parse(content: FileContent): T | null;
  /** Verifies `input` from `checkpoint`, appending one level per check group; throws `LightVerifyError` at the first failure. */
  verify(checkpoint: Checkpoint, input: T, levels: Level[]): void;
}

/** A dropped file: its bytes, and its JSON value when it is JSON text. */
export interface FileContent {
  bytes: Uint8Array;
  json: unknown;
}

export function readContent(bytes: Uint8Array): FileContent {
  let json: unknown = undefined;
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  // JSON text starts with `{`, `[` or `"`: a binary proof starts with a protobuf tag (0x08 for `version`).
  if (first === 0x7b || first === 0x5b || first === 0x22) {
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      json = undefined;
    }
  }
  return { bytes, json };
}

/**
 * The bytes a file holds in one of the forms a user saves them in: raw binary, a `0x` hex string
 * (bare text or a JSON string), or a JSON-RPC response whose `result` is one.
 */
export function bytesOf(content: FileContent): Uint8Array | null {
  const text = typeof content.json === "string" ? content.json : content.json === undefined ? bareText(content.bytes) : jsonRpcResult(content.json);
  if (text !== null) return isHex(text) ? fromHex(text) : null;
  return content.json === undefined ? content.bytes : null;
}

function bareText(bytes: Uint8Array): string | null {
  // "0x" then hex digits, optionally surrounded by whitespace (a file saved from a terminal).
  if (bytes.length < 2 || bytes[0] !== 0x30 || bytes[1] !== 0x78) return null;
  return new TextDecoder().decode(bytes).trim();
}

function jsonRpcResult(json: unknown): string | null {
  if (typeof json === "object" && json !== null && "result" in json && typeof (json as { result: unknown }).result === "string") return (json as { result: string }).result;
  return null;
}

/** A finality proof: `finality_proveFinality`'s result saved to a file (the JSON-RPC response, the hex string, or the bytes). */
export const finalityProofKind: InputKind<Uint8Array> = {
  name: "finality proof",
  levels: ["finality"],
  parse: (content) => bytesOf(content),
  verify(checkpoint, proof, levels) {
    levels.push(finalityLevel(verifyFinalityProof(checkpoint, proof)));
  },
};

/** A storage proof file (docs/proofs.md, "The verifier page"): a finality proof, the header it ends at, a storage key and `state_getReadProof`'s nodes. */
export interface StorageProofFile {
  finalityProof: Uint8Array;
  header: Uint8Array;
  key: Uint8Array;
  proof: Uint8Array[];
}

export const storageProofKind: InputKind<StorageProofFile> = {
  name: "storage proof",
  levels: ["finality", "storage"],
  parse(content) {
    const j = content.json as Record<string, unknown> | undefined;
    if (typeof j !== "object" || j === null || !("key" in j) || !("proof" in j)) return null;
    const hex = (name: string): Uint8Array => {
      const v = j[name];
      if (!isHex(v)) throw new VerifierInputError({ code: "INPUT_UNREADABLE", file: "proof", reason: `storage proof: "${name}" is not a 0x hex string` });
      return fromHex(v);
    };
    const nodes = j.proof;
    if (!Array.isArray(nodes) || !nodes.every(isHex)) throw new VerifierInputError({ code: "INPUT_UNREADABLE", file: "proof", reason: 'storage proof: "proof" is not an array of 0x hex strings' });
    return { finalityProof: hex("finalityProof"), header: hex("header"), key: hex("key"), proof: nodes.map((n) => fromHex(n)) };
  },
  verify(checkpoint, input, levels) {
    // verifyStorage checks the finality proof again; checked here first to report it as its own level.
    levels.push(finalityLevel(verifyFinalityProof(checkpoint, input.finalityProof)));
    const value = verifyStorage(checkpoint, input.finalityProof, input.header, input.key, input.proof);
    levels.push({ name: "storage", ok: true, detail: value === null ? `key ${toHex(input.key)} proven absent` : `key ${toHex(input.key)} holds ${toHex(value)} (${value.length} bytes)` });
  },
};

/** A REC proof bundle file as `arkreen-node rec prove` writes it: `{ "format": "arkreen-rec-bundle", "bundle": "0x…" }`. */
export const recBundleKind: InputKind<Uint8Array> = {
  name: "REC bundle",
  levels: ["finality", "REC", "readings", "device signatures"],
  parse(content) {
    const j = content.json as { format?: unknown; bundle?: unknown } | undefined;
    if (typeof j !== "object" || j === null || j.format !== "arkreen-rec-bundle") return null;
    if (!isHex(j.bundle)) throw new VerifierInputError({ code: "INPUT_UNREADABLE", file: "proof", reason: 'REC bundle: "bundle" is not a 0x hex string' });
    return fromHex(j.bundle);
  },
  levelOfCheck(code) {
    if (code === "READING_BAD_SIGNATURE") return "device signatures";
    if (code.startsWith("READING")) return "readings";
    if (/^(STATE_PROOF|RECORD|REC_|RETIREMENTS|DEVICE|KEY_HISTORY)/.test(code)) return "REC";
    if (code.startsWith("BUNDLE_MALFORMED") || code.startsWith("BUNDLE_VERSION")) return "bundle format";
    return "finality";
  },
  verify(checkpoint, bundle, levels) {
    levels.push(...recLevels(verifyRecBundle(checkpoint, bundle)));
  },
};

function recLevels(r: RecBundleReport): Level[] {
  const { rec } = r;
  const retired = r.retirements.map((x) => `${x.amountWh} Wh for ${x.beneficiary} at #${x.block}`).join("; ");
  const signed = r.signedReadings;
  return [
    { name: "finality", ok: true, detail: `block #${r.finality.block} ${r.finality.hash} finalized by more than 2/3 of its set's stake (${r.finality.fragments} fragment${r.finality.fragments === 1 ? "" : "s"}; set ${r.finality.setId} now)` },
    {
      name: "REC",
      ok: true,
      detail: `REC ${rec.id} ${rec.status}, serial ${rec.serial}, owner ${rec.owner}, ${rec.energyWh} Wh (${rec.retiredWh} Wh retired${retired === "" ? "" : ": " + retired}), issued by ${rec.issuerName ?? rec.issuer} at #${rec.decidedAt}`,
    },
    { name: "readings", ok: true, detail: `${r.slots.length} readings of ${r.devices.length} device${r.devices.length === 1 ? "" : "s"} credited by the chain, ${r.slotsWh} Wh in all` },
    { name: "device signatures", ok: true, detail: `${signed} reading${signed === 1 ? "" : "s"} signed by the device's registered key${r.unsignedReadings > 0 ? `; ${r.unsignedReadings} without the device's signature (not held by the serving node)` : ""}` },
  ];
}

/** The kinds the page recognises, tried in order (the most specific first). */
export const INPUT_KINDS: ReadonlyArray<InputKind<never>> = [recBundleKind as InputKind<never>, storageProofKind as InputKind<never>, finalityProofKind as InputKind<never>];

/**
 * A trust anchor file: the checkpoint file `arkreen-node rec checkpoint` writes (JSON, format
 * `arkreen-finality-checkpoint`), or `encodeCheckpoint`'s bytes (raw or 0x hex).
 */
export function readCheckpoint(file: Uint8Array): Checkpoint {
  const content = readContent(file);
  const j = content.json as { format?: unknown } | undefined;
  if (typeof j === "object" && j !== null && j.format === "arkreen-finality-checkpoint") return checkpointFromJson(j as Record<string, unknown>);
  const bytes = bytesOf(content);
  if (bytes === null) throw new VerifierInputError({ code: "INPUT_UNREADABLE", file: "anchor", reason: "not a checkpoint file (JSON, format arkreen-finality-checkpoint) nor a checkpoint's bytes, raw or 0x hex" });
  return decodeCheckpoint(bytes);
}

function checkpointFromJson(f: Record<string, unknown>): Checkpoint {
  const unreadable = (reason: string): never => {
    throw new VerifierInputError({ code: "INPUT_UNREADABLE", file: "anchor", reason });
  };
  const hex = (v: unknown, name: string): Uint8Array => (isHex(v) ? fromHex(v) : unreadable(`${name}: expected 0x hex`));
  if (!Array.isArray(f.authorities)) unreadable("authorities: expected an array");
  if (typeof f.setId !== "number" || !Number.isSafeInteger(f.setId) || f.setId < 0) unreadable("setId: expected a non-negative integer");
  const checkpoint: Checkpoint = {
    genesisHash: hex(f.genesisHash, "genesisHash"),
    setId: f.setId as number,
    authorities: (f.authorities as Array<{ finalityKey?: unknown; weight?: unknown }>).map((a, i) => {
      if (typeof a?.weight !== "string" || !/^[0-9]+$/.test(a.weight)) unreadable(`authorities[${i}].weight: expected a decimal string`);
      return { finalityKey: hex(a.finalityKey, `authorities[${i}].finalityKey`), weight: BigInt(a.weight as string) };
    }),
    instantAuthority: f.instantAuthority === null || f.instantAuthority === undefined ? null : hex(f.instantAuthority, "instantAuthority"),
  };
  checkCheckpoint(checkpoint);
  return checkpoint;
}

function finalityLevel(r: FinalityResult): Level {
  const changes = r.fragments - (r.complete ? 1 : 0);
  return {
    name: "finality",
    ok: true,
    detail: `block #${r.header.number} ${toHex(r.hash)} finalized by more than 2/3 of its set's stake (${changes} set change${changes === 1 ? "" : "s"}; set ${r.setId} of ${r.authorities.length} now)${r.complete ? "" : " — incomplete: continue from set " + r.setId}`,
  };
}

function checkpointLevel(c: Checkpoint): Level {
  const who = c.instantAuthority !== null ? `instant authority ${toHex(c.instantAuthority)}` : `set ${c.setId} of ${c.authorities.length} authorities`;
  return { name: "trust anchor", ok: true, detail: `genesis ${toHex(c.genesisHash)}, ${who}` };
}

function failure(name: string, e: unknown): Level {
  if (e instanceof LightVerifyError || e instanceof VerifierInputError) return { name, ok: false, check: e.code, detail: JSON.stringify(e.toObject()) };
  return { name, ok: false, check: "UNEXPECTED", detail: e instanceof Error ? e.message : String(e) };
}

/**
 * Verifies a dropped proof file from a dropped trust anchor (`readCheckpoint`). Never throws: a
 * failure is the last level, naming the failed check.
 */
export function verifyFiles(anchorFile: Uint8Array, proofFile: Uint8Array, kinds: ReadonlyArray<InputKind<never>> = INPUT_KINDS): Report {
  const started = performance.now();
  const levels: Level[] = [];
  let kind: string | null = null;
  let level = "trust anchor";
  try {
    const checkpoint = readCheckpoint(anchorFile);
    levels.push(checkpointLevel(checkpoint));
    level = "proof file";
    const content = readContent(proofFile);
    for (const k of kinds) {
      const input = k.parse(content);
      if (input === null) continue;
      kind = k.name;
      const before = levels.length;
      try {
        k.verify(checkpoint, input, levels);
      } catch (e) {
        const code = e instanceof LightVerifyError ? e.code : null;
        level = (code !== null ? k.levelOfCheck?.(code) : undefined) ?? k.levels[levels.length - before] ?? k.name;
        throw e;
      }
      break;
    }
    if (kind === null) throw new VerifierInputError({ code: "INPUT_KIND_UNKNOWN", reason: `not one of: ${kinds.map((k) => k.name).join(", ")}` });
  } catch (e) {
    levels.push(failure(level, e));
  }
  return { kind, levels, passed: levels.every((l) => l.ok), verifyMs: performance.now() - started };
}
