import { strict as assert } from "node:assert";
import { bytesEqual, fromHex, toHex, u32ToBytes } from "../../../primitives/bytes.ts";
import { codecs } from "../../../primitives/codec/index.ts";
import { devKeypair } from "../../../primitives/keys/devAccounts.ts";
import { buildGenesisBlock } from "../../../genesis/build.ts";
import { localChainSpec } from "../../../genesis/presets.ts";
import { genesisCheckpoint } from "../../../node/finality/checkpoint.ts";
import { Account } from "../../../runtime/modules/system/storage.ts";
import { Devices, Registrars } from "../../../runtime/modules/devices/storage.ts";
import { fastDevSpec, httpRpc, startDevNode, waitFor, type TestNode } from "../../../harness/devNode.ts";
import { FinalityProofError } from "../../../node/finality/finalityProver.ts";
import { toRpcError } from "../../../rpc/errors.ts";
import { FINALITY_PROOF_CODE } from "../../../rpc/namespaces/finality.ts";
import { finalityProofCodec, LightVerifyError, storageMapKey, verifyFinalityProof, verifyStorage } from "../../../light/index.ts";

/**
 * A dev node over JSON-RPC: `finality_proveFinality` from the genesis checkpoint (built here from
 * the chain spec, as a user would), checked with light/, and storage read proofs of a balance
 * and a devices-module record verified against the proven header.
 */
describe("finality_proveFinality on a dev node, verified offline with light/", function () {
  this.timeout(60_000);
  const spec = fastDevSpec(300);
  const checkpoint = genesisCheckpoint(buildGenesisBlock(spec));
  let node: TestNode;

  before(async () => {
    node = await startDevNode({ spec });
    await waitFor(() => node.node.chain.finalized.number >= 3, 30_000, "the dev chain finalizes #3");
  });

  after(async () => {
    await node.stop();
  });

  async function proveFinality(fromSetId: unknown): Promise<Uint8Array> {
    const response = await httpRpc(node.httpUrl, "finality_proveFinality", [fromSetId]);
    assert.equal(response.error, undefined, JSON.stringify(response.error));
    return fromHex(response.result as string);
  }

  it("proves the finalized head from the genesis checkpoint (single authority, instant finality)", async () => {
    assert.ok(checkpoint.instantAuthority !== null && bytesEqual(checkpoint.instantAuthority, devKeypair("Alice").publicKey));
    assert.ok(bytesEqual(checkpoint.genesisHash, node.node.genesis.hash));
    const before = node.node.chain.finalized.number;
    const result = verifyFinalityProof(checkpoint, await proveFinality(0));
    assert.equal(result.complete, true);
    assert.ok(result.header.number >= before, `proved #${result.header.number}, finalized #${before} before asking`);
    assert.ok(bytesEqual(node.node.chain.hashAt(result.header.number) as Uint8Array, result.hash), "the proven block is the node's canonical block");
  });

  it("verifies a balance and a registrar record against the proven header, and an absent device", async () => {
    const proof = await proveFinality(0);
    const { fragments } = finalityProofCodec.decode(proof);
    const header = fragments[fragments.length - 1].header;
    const at = toHex(verifyFinalityProof(checkpoint, proof).hash);
    assert.equal(codecs.header.decode(header).number, node.node.chain.header(fromHex(at))?.number);
    const alice = devKeypair("Alice").publicKey;
    const balanceKey = storageMapKey("system", "Account", alice);
    assert.equal(toHex(balanceKey), toHex(Account.key(alice)));
    const registrarKey = storageMapKey("devices", "Registrars", alice);
    assert.equal(toHex(registrarKey), toHex(Registrars.key(alice)));
    const deviceKey = storageMapKey("devices", "Devices", u32ToBytes(424242));
    assert.equal(toHex(deviceKey), toHex(Devices.key(424242)));
    const read = await httpRpc(node.httpUrl, "state_getReadProof", [[toHex(balanceKey), toHex(registrarKey), toHex(deviceKey)], at]);
    assert.equal(read.error, undefined, JSON.stringify(read.error));
    const nodes = (read.result as { proof: string[] }).proof.map(fromHex);
    const balance = verifyStorage(checkpoint, proof, header, balanceKey, nodes);
    assert.ok(balance !== null);
    assert.equal(Account.decodeValue(balance).free, Account.get(node.node.chain.stateAt(fromHex(at)), alice)?.free);
    assert.ok(Account.decodeValue(balance).free > 0n);
    assert.ok(verifyStorage(checkpoint, proof, header, registrarKey, nodes) !== null);
    assert.equal(verifyStorage(checkpoint, proof, header, deviceKey, nodes), null);
  });

  it("a proof checked against another chain's genesis, or with a byte changed, is refused", async () => {
    const proof = await proveFinality(0);
    const local = genesisCheckpoint(buildGenesisBlock(localChainSpec()));
    assert.throws(() => verifyFinalityProof(local, proof), (e: unknown) => e instanceof LightVerifyError && e.code === "INSTANT_NO_AUTHORITY");
    assert.throws(() => verifyFinalityProof({ ...checkpoint, genesisHash: local.genesisHash }, proof), (e: unknown) => e instanceof LightVerifyError && e.code === "INSTANT_BAD_SIGNATURE");
    const changed = Uint8Array.from(proof);
    changed[changed.length - 10] ^= 0x40;
    assert.throws(() => verifyFinalityProof(checkpoint, changed), LightVerifyError);
  });

  it("answers the prover's typed errors with code 4020 and their data", () => {
    const answer = toRpcError(new FinalityProofError({ code: "UNKNOWN_SET", setId: 9, currentSetId: 2 }));
    assert.equal(answer.code, FINALITY_PROOF_CODE);
    assert.equal(FINALITY_PROOF_CODE, 4020);
    assert.deepEqual(answer.data, { code: "UNKNOWN_SET", setId: 9, currentSetId: 2 });
  });

  it("refuses a set id that is not a number", async () => {
    const response = await httpRpc(node.httpUrl, "finality_proveFinality", ["zero"]);
    assert.equal(response.error?.code, -32602);
    const missing = await httpRpc(node.httpUrl, "finality_proveFinality", []);
    assert.equal(missing.error?.code, -32602);
  });
});
