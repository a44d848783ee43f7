import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { generateNodeKeyCommand } from "../../../cli/commands/nodeKey.ts";
import { loadOrCreateNodeKey, nodeKeyPath, parseNodeKeyHex, peerIdOfNodeKey } from "../../../p2p/nodeKey.ts";
import { FakeChain, startHost } from "./helpers.ts";

const SECRET_HEX = "0000000000000000000000000000000000000000000000000000000000000001";
/** The peer id Substrate's tutorials give for `--node-key 0000…0001` (Alice's bootnode). */
const SUBSTRATE_PEER_ID = "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";

describe("p2p: node key", function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-nodekey-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--node-key hex gives the standard libp2p peer id of that ed25519 secret", async () => {
    const secret = parseNodeKeyHex(SECRET_HEX);
    assert.deepEqual(parseNodeKeyHex("0x" + SECRET_HEX), secret);
    const expected = peerIdFromPrivateKey(await generateKeyPairFromSeed("Ed25519", secret)).toString();
    assert.equal(expected, SUBSTRATE_PEER_ID);
    assert.equal(await peerIdOfNodeKey(secret), expected);
    const host = await startHost({ chain: new FakeChain("one"), nodeKey: secret });
    try {
      assert.equal(host.peerId, expected);
    } finally {
      await host.stop();
    }
    assert.throws(() => parseNodeKeyHex("abcd"), { message: "NODE_KEY_INVALID" });
  });

  it("is created on first start under <base>/chains/<id>/network and gives the same peer id after a restart", async () => {
    const path = nodeKeyPath(dir, "local_testnet");
    assert.equal(path, join(dir, "chains", "local_testnet", "network", "secret_ed25519"));
    const first = await startHost({ chain: new FakeChain("one"), nodeKey: loadOrCreateNodeKey(path) });
    const firstId = first.peerId;
    await first.stop();
    assert.equal(statSync(path).size, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const second = await startHost({ chain: new FakeChain("one"), nodeKey: loadOrCreateNodeKey(path) });
    assert.equal(second.peerId, firstId);
    await second.stop();
  });

  it("key generate-node-key prints the secret on stdout and its peer id on stderr, or writes --file", async () => {
    let out = "";
    let err = "";
    const io = { out: (d: string | Uint8Array) => void (out += d.toString()), err: (t: string) => void (err += t) };
    await generateNodeKeyCommand(io).parseAsync([], { from: "user" });
    assert.match(out, /^[0-9a-f]{64}$/);
    assert.equal(err.trim(), await peerIdOfNodeKey(parseNodeKeyHex(out)));

    const file = join(dir, "node.key");
    err = "";
    await generateNodeKeyCommand(io).parseAsync(["--file", file], { from: "user" });
    const written = readFileSync(file, "utf8");
    assert.equal(err.trim(), await peerIdOfNodeKey(loadOrCreateNodeKey(file)));
    assert.equal(err.trim(), await peerIdOfNodeKey(parseNodeKeyHex(written)));
  });
});
