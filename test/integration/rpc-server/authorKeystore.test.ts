import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { authorKeystore, Keystore } from "../../../cli/keystore.ts";
import { fromHex, toHex } from "../../../primitives/bytes.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { encodeAddress } from "../../../primitives/keys/ss58.ts";
import { keypairFromSuri } from "../../../primitives/keys/suri.ts";
import type { RpcNodeApi } from "../../../rpc/nodeApi.ts";
import { registerAuthorKeystoreRpc } from "../../../rpc/namespaces/author.ts";
import { verifyAuthoringPop, verifyFinalityPop } from "../../../runtime/modules/staking/keys.ts";
import { post, rpc, startServer, type RpcMessage } from "./helpers.ts";

const GENESIS = new Uint8Array(32).fill(9);
const PHRASE = "legal winner thank year wave sausage worth useful legal winner thank yellow";

/** A non-loopback address of this machine, to call from as a remote client would; null when there is none. */
function externalAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return null;
}

describe("rpc author keystore methods", () => {
  let dir: string;
  let keystore: Keystore;
  const api = (): RpcNodeApi => ({ chain: { genesisHash: GENESIS }, keystore: authorKeystore(keystore) }) as unknown as RpcNodeApi;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "arkreen-author-ks-"));
    keystore = Keystore.open(join(dir, "keystore"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function call(url: string, method: string, params: unknown[] = []): Promise<RpcMessage> {
    return (await post(url, rpc(method, params))).json as RpcMessage;
  }

  it("rotateKeys stores new keys and answers one blob (aura ++ gran, then the proofs for the owner); hasKey, hasSessionKeys, insertKey", async () => {
    const s = await startServer({}, (server) => registerAuthorKeystoreRpc(server, api()));
    try {
      const plain = (await call(s.url, "author_rotateKeys")).result as string;
      assert.equal(fromHex(plain).length, 80);
      assert.equal((await call(s.url, "author_hasSessionKeys", [plain])).result, true);
      assert.equal((await call(s.url, "author_hasKey", [plain.slice(0, 66), "aura"])).result, true);
      assert.equal((await call(s.url, "author_hasKey", [plain.slice(0, 66), "gran"])).result, false);
      assert.equal((await call(s.url, "author_hasSessionKeys", [toHex(new Uint8Array(80))])).result, false);

      const stash = devKeypair("Eve").publicKey;
      const withProofs = fromHex((await call(s.url, "author_rotateKeys", [encodeAddress(stash)])).result as string);
      assert.equal(withProofs.length, 240);
      const [aura, gran, auraProof, granProof] = [withProofs.subarray(0, 32), withProofs.subarray(32, 80), withProofs.subarray(80, 144), withProofs.subarray(144)];
      assert.ok(verifyAuthoringPop(GENESIS, stash, aura, auraProof));
      assert.ok(verifyFinalityPop(GENESIS, stash, gran, granProof));
      assert.equal((await call(s.url, "author_hasSessionKeys", [toHex(withProofs)])).result, true);
      assert.equal(keystore.list().length, 4);

      const owned = (await call(s.url, "author_rotateKeysWithOwner", [encodeAddress(stash)])).result as { keys: string; proof: string };
      assert.equal(fromHex(owned.keys).length, 80);
      assert.equal(fromHex(owned.proof).length, 160);

      const suri = `${PHRASE}//x`;
      const pub = toHex(keypairFromSuri(suri).publicKey);
      assert.equal((await call(s.url, "author_insertKey", ["aura", suri, pub])).result, null);
      assert.equal((await call(s.url, "author_hasKey", [pub, "aura"])).result, true);
      const mismatch = await call(s.url, "author_insertKey", ["aura", suri, toHex(devKeypair("Bob").publicKey)]);
      assert.equal(mismatch.error?.code, -32602);
      assert.match(String(mismatch.error?.data), /does not name the aura key/);
      assert.ok(!JSON.stringify(mismatch).includes(PHRASE), "the secret is never answered back");
      assert.match(String((await call(s.url, "author_insertKey", ["babe", suri, pub])).error?.data), /unknown key type "babe"/);
    } finally {
      await s.server.close();
    }
  });

  it("is refused when the policy refuses unsafe methods (auto on all interfaces) and, whatever the policy, to a caller that is not on loopback", async function () {
    const refused = { code: -32601, message: "RPC call is unsafe to be called externally" };
    const auto = await startServer({ host: "0.0.0.0", rpcMethods: "auto" }, (server) => registerAuthorKeystoreRpc(server, api()));
    try {
      const port = new URL(auto.url).port;
      assert.deepEqual((await call(`http://127.0.0.1:${port}/`, "author_rotateKeys")).error, refused);
    } finally {
      await auto.server.close();
    }
    const external = externalAddress();
    if (external === null) this.skip();
    const open = await startServer({ host: "0.0.0.0", rpcMethods: "unsafe" }, (server) => registerAuthorKeystoreRpc(server, api()));
    try {
      const port = new URL(open.url).port;
      for (const [method, params] of [["author_rotateKeys", []], ["author_insertKey", ["aura", "//Alice", toHex(devKeypair("Alice").publicKey)]], ["author_hasKey", ["0x00", "aura"]], ["author_hasSessionKeys", ["0x00"]]] as const) {
        assert.deepEqual((await call(`http://${external}:${port}/`, method, [...params])).error, refused, `${method} from ${external}`);
      }
      assert.equal(keystore.list().length, 0, "nothing was stored for the remote caller");
      // the same server answers a loopback caller
      assert.equal(fromHex((await call(`http://127.0.0.1:${port}/`, "author_rotateKeys")).result as string).length, 80);
    } finally {
      await open.server.close();
    }
  });
});
