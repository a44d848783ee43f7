import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import type { Ed25519PrivateKey } from "@libp2p/interface";
import { fromHex, isHex, toHex } from "../primitives/bytes.ts";
import { NetworkError } from "./errors.ts";

/**
 * The node key: a 32-byte ed25519 secret, as Substrate keeps it (`--node-key <hex>`, the file
 * `<base>/chains/<id>/network/secret_ed25519`). The peer id is the standard libp2p id of the key
 * (identity multihash of the protobuf public key, `12D3KooW…`), so a key moved between a
 * Substrate node and this one keeps its peer id.
 */
export const NODE_KEY_LENGTH = 32;
export const NODE_KEY_FILE = "secret_ed25519";

/** `<basePath>/chains/<chainId>/network/secret_ed25519`, Substrate's location. */
export function nodeKeyPath(basePath: string, chainId: string): string {
  return join(basePath, "chains", chainId, "network", NODE_KEY_FILE);
}

export function generateNodeKeySecret(): Uint8Array {
  return new Uint8Array(randomBytes(NODE_KEY_LENGTH));
}

/** Parses `--node-key`: 64 hex characters, with or without `0x`. */
export function parseNodeKeyHex(text: string): Uint8Array {
  const trimmed = text.trim();
  const hex = trimmed.startsWith("0x") ? trimmed : "0x" + trimmed;
  if (!isHex(hex) || hex.length !== 2 + NODE_KEY_LENGTH * 2) {
    throw new NetworkError({ code: "NODE_KEY_INVALID", reason: `expected ${NODE_KEY_LENGTH} bytes as hex` });
  }
  return fromHex(hex);
}

export async function nodePrivateKey(secret: Uint8Array): Promise<Ed25519PrivateKey> {
  if (secret.length !== NODE_KEY_LENGTH) {
    throw new NetworkError({ code: "NODE_KEY_INVALID", reason: `expected ${NODE_KEY_LENGTH} bytes, got ${secret.length}` });
  }
  return generateKeyPairFromSeed("Ed25519", secret);
}

/** The base58 peer id (`12D3KooW…`) of a node key secret. */
export async function peerIdOfNodeKey(secret: Uint8Array): Promise<string> {
  return peerIdFromPrivateKey(await nodePrivateKey(secret)).toString();
}

/**
 * Reads the key file, or creates it with a fresh secret on first start (mode 0600). The file holds
 * the raw 32 bytes, as Substrate writes it; a file of 64 hex characters is accepted too.
 */
export function loadOrCreateNodeKey(path: string): Uint8Array {
  if (existsSync(path)) {
    const raw = new Uint8Array(readFileSync(path));
    if (raw.length === NODE_KEY_LENGTH) return raw;
    return parseNodeKeyHex(Buffer.from(raw).toString("utf8"));
  }
  const secret = generateNodeKeySecret();
  writeNodeKeyFile(path, secret);
  return secret;
}

export function writeNodeKeyFile(path: string, secret: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, secret, { mode: 0o600, flag: "wx" });
}

export function nodeKeyHex(secret: Uint8Array): string {
  return toHex(secret).slice(2);
}
