import assert from "node:assert/strict";
import { blsSign } from "../../../primitives/blsKeys.ts";
import { fromHex } from "../../../primitives/bytes.ts";
import { signedFinalityVoteCodec, VoteStage, voteSigningRoot, type FinalityVote, type SignedFinalityVote } from "../../../primitives/finality/vote.ts";
import { nullLogger } from "../../../primitives/logger.ts";
import { NetworkHost, generateNodeKeySecret } from "../../../p2p/index.ts";
import { encodeVoteMessage, openVoteMessage } from "../../../node/finality/voteGossip.ts";
import { devFinalityKeypair } from "../../../runtime/modules/staking/keys.ts";
import { ProcessScope, sleep, waitUntil, type NodeProcess } from "../../../harness/process.ts";
import { systemPeers, waitFinalized, startLocalNet, type LocalNet, metricSum } from "../../../harness/localNet.ts";

const SLOT_MS = 1000;
/** Dave's index in the `local` chain's authority set. */
const DAVE = 3;

async function finalizedNumber(node: NodeProcess): Promise<number> {
  const hash = await node.rpc<string>("chain_getFinalizedHead");
  return parseInt((await node.rpc<{ number: string }>("chain_getHeader", [hash])).number, 16);
}

/**
 * Dave, played by the test on a bare libp2p host with Dave's (derivable, dev) finality key: for
 * every round the honest validators vote in, a valid prevote for their target, and a validly
 * signed precommit for the right hash under the number one higher — the vote that, aggregated
 * with the honest ones, used to make stored justifications fail verification.
 */
class WrongNumberVoter {
  readonly host: NetworkHost;
  readonly sent: SignedFinalityVote[] = [];
  private readonly key = devFinalityKeypair("Dave").secretKey;
  private readonly done = new Set<string>();
  private readonly genesisHash: Uint8Array;

  constructor(genesisHash: Uint8Array, bootnodes: string[]) {
    this.genesisHash = genesisHash;
    const genesis = { number: 0, hash: genesisHash };
    this.host = new NetworkHost(
      { port: 0, listenHost: "127.0.0.1", bootnodes, nodeKey: generateNodeKeySecret(), bootnodeRedialMs: 300, statusIntervalMs: 1000 },
      { chain: { genesisHash, best: genesis, finalized: genesis }, blocks: { hashAt: () => undefined, block: () => undefined, justification: () => undefined }, logger: nullLogger(), metrics: null },
    );
  }

  async start(): Promise<void> {
    await this.host.start();
    this.host.subscribe("votes", async (data) => {
      const bytes = openVoteMessage(data, Date.now());
      if (typeof bytes !== "string") this.answer(signedFinalityVoteCodec.decode(bytes).vote);
      return "ignore";
    });
  }

  private answer(heard: FinalityVote): void {
    const key = `${heard.setId}/${heard.round}/${heard.stage}`;
    if (this.done.has(key)) return;
    this.done.add(key);
    const vote = heard.stage === VoteStage.Precommit ? { ...heard, targetNumber: heard.targetNumber + 1 } : heard;
    const signed = { vote, signer: DAVE, signature: blsSign(this.key, voteSigningRoot(this.genesisHash, vote)) };
    this.sent.push(signed);
    void this.host.publish("votes", encodeVoteMessage(signed, Date.now())).catch(() => {});
  }
}

describe("e2e: a Byzantine validator and a replaying peer against three honest validators (local chain, 1 s slots)", function () {
  this.timeout(120_000);
  const scope = new ProcessScope();
  let net: LocalNet;
  let honest: NodeProcess[];
  let dave: WrongNumberVoter;

  before(async () => {
    net = await startLocalNet(scope, { slotMs: SLOT_MS, indexes: [0, 1, 2] });
    honest = net.nodes.slice(0, 3);
    const genesisHash = fromHex(await honest[0].rpc<string>("chain_getBlockHash", [0]));
    dave = new WrongNumberVoter(genesisHash, net.plan.nodes.slice(0, 3).map((n) => n.multiaddr));
    await dave.start();
  });
  after(async () => {
    await dave.host.stop();
    await scope.dispose();
  });

  it("a precommit under the wrong number leaves every stored justification valid: a new node syncs and finalizes, and no honest peer is penalised or banned", async () => {
    await waitUntil(() => dave.sent.some((v) => v.vote.stage === VoteStage.Precommit), 30_000, "Dave precommits under a wrong number", 100);
    const from = Math.max(...(await Promise.all(honest.map(finalizedNumber))));
    await waitFinalized(honest, from + 6, 60_000, "six more blocks finalized with Dave's wrong-number precommits");
    assert.ok(dave.sent.filter((v) => v.vote.stage === VoteStage.Precommit).length >= 3, "Dave precommitted in several rounds");

    // A node that syncs from scratch verifies every justification it is served (applyJustification).
    const target = Math.min(...(await Promise.all(honest.map(finalizedNumber))));
    const follower = await net.startFollower("Ferdie-follower");
    await waitUntil(async () => (await finalizedNumber(follower)) >= target, 60_000, `the follower finalizes #${target} from synced justifications`, 200);
    assert.equal(await metricSum(follower, "arkreen_p2p_peer_penalties_total"), 0, "the follower penalised no peer for what it served");
    assert.equal(await metricSum(follower, "arkreen_p2p_peer_bans_total"), 0);
    const followerPeers = (await systemPeers(follower)).map((p) => p.peerId);
    for (const node of honest) assert.ok(followerPeers.includes(await node.rpc<string>("system_localPeerId")), "every honest validator is still the follower's peer");
    for (const node of honest) assert.equal(await metricSum(node, "arkreen_p2p_peer_bans_total"), 0, "no validator banned anyone");
  });

  it("1,000 envelopes of one vote from a peer cost each node at most one signature check and are not forwarded", async () => {
    const [vote] = dave.sent.slice(-1);
    const fresh = { ...vote.vote, round: vote.vote.round + 2 };
    const signed = { vote: fresh, signer: DAVE, signature: blsSign(devFinalityKeypair("Dave").secretKey, voteSigningRoot(fromHex(await honest[0].rpc<string>("chain_getBlockHash", [0])), fresh)) };
    const before = await Promise.all(honest.map((n) => Promise.all([metricSum(n, "arkreen_finality_gossip_votes_total", { result: "verify" }), metricSum(n, "arkreen_p2p_gossip_received_total", { kind: "votes", result: "accept" })])));
    // Each envelope is new to gossipsub (another stamp): 61 within the ±30 s tolerance, the rest outside it.
    const now = Date.now();
    for (let i = 0; i < 1000; i++) {
      const stamp = i < 61 ? now + (i - 30) * 1000 : now - (31 + i) * 1000;
      await dave.host.publish("votes", encodeVoteMessage(signed, stamp)).catch(() => {});
      if (i % 100 === 99) await sleep(10);
    }
    await sleep(2000);
    const after = await Promise.all(honest.map((n) => Promise.all([metricSum(n, "arkreen_finality_gossip_votes_total", { result: "verify" }), metricSum(n, "arkreen_p2p_gossip_received_total", { kind: "votes", result: "accept" })])));
    // The honest validators' own votes go on meanwhile (a few per second each): far below 1,000.
    for (let i = 0; i < honest.length; i++) {
      const checks = after[i][0] - before[i][0];
      const accepted = after[i][1] - before[i][1];
      assert.ok(checks < 60, `${net.plan.nodes[i].name}: ${checks} signature checks while 1,000 envelopes arrived`);
      assert.ok(accepted < 60, `${net.plan.nodes[i].name}: ${accepted} votes accepted (and forwarded)`);
      const duplicates = await metricSum(honest[i], "arkreen_finality_gossip_votes_total", { result: "duplicate" });
      assert.ok(duplicates >= 50, `${net.plan.nodes[i].name}: ${duplicates} of the 60 replays within tolerance dropped unverified as duplicates`);
    }
    await waitFinalized(honest, Math.max(...(await Promise.all(honest.map(finalizedNumber)))) + 2, 30_000, "finality goes on");
  });
});
