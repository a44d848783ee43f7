/**
 * The state transition under random sequences of blocks (TestChain: the real executive and
 * modules, state in an in-memory trie). Each run starts from the same chain — four devices with
 * verified generation, one certified REC, a few blocks before an epoch and session boundary —
 * and applies one to eight random blocks of readings and signed extrinsics (valid and invalid).
 * After every block: total issuance is the sum of balances, no slot of energy is in two live
 * RECs (whether its page is still stored or expired: the chain's claim window is short and some
 * blocks jump ahead), the expiry queue lists exactly the stored pages and none expired at its
 * head, every applied extrinsic used its signer's next nonce, and nothing but
 * `InvalidTransaction` ever escaped the executive.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesEqual } from "../../primitives/bytes.ts";
import { codecs, type Call } from "../../primitives/codec/index.ts";
import { readingCodec } from "../../runtime/modules/pog/types.ts";
import { certifyArgs, requestArgs } from "../../runtime/modules/recs/types.ts";
import { registerArgsCodec } from "../../runtime/modules/devices/types.ts";
import { InvalidTransaction } from "../../runtime/framework/errors.ts";
import { TestChain, expectApplied, publicKeyOf, type HeadInfo } from "../utils/runtime.ts";
import { devChainSpec } from "../../genesis/presets.ts";
import { ExpiryHead } from "../../runtime/modules/pog/storage.ts";
import { SettledHead } from "../../runtime/modules/control/storage.ts";
import { submitArgs } from "../../runtime/modules/control/types.ts";
import { HistoryStart } from "../../runtime/modules/rewards/storage.ts";
import { assertControl, assertExpiry, assertIssuance, assertRecs, assertRewardsHistory } from "./invariants.ts";
import { fuzzParams, fuzzTimeout } from "./params.ts";
import { SIGNERS, blockPlan, buildCall, buildReadings, intervalAt, naturalSigner, registrations, type BlockPlan, type Signer } from "./stateModel.ts";

/** The first block's slot: 600 × 2 s is reading interval 20 of the dev chain's 60 s intervals. */
const FIRST_SLOT = 600n;
/** Base chain height: the dev chain's epochs and sessions are 30 blocks, so runs cross a boundary. */
const BASE_HEIGHT = 25;

function signed(chain: TestChain, who: Signer, call: Call): Uint8Array {
  return chain.sign(who, call, { nonce: chain.account(publicKeyOf(who)).nonce });
}

function ok(chain: TestChain, xts: Uint8Array[], opts: { slot?: bigint; readings?: Uint8Array[] } = {}): void {
  const { results } = chain.produceBlock(xts, opts);
  for (const r of results) assert.equal(expectApplied(r).success, true, `setup call failed: ${expectApplied(r).error?.code}`);
}

/**
 * The dev chain with short windows: readings accepted 16 intervals back, slots claimable 16 back,
 * so that runs that jump ahead (stateModel's long blocks) expire the base chain's pages (page 0,
 * intervals 0–23, expires at interval 40) and requests and readings meet the windows' edges.
 */
const ACCEPTANCE_WINDOW = 16;
const CLAIM_WINDOW = 16;
/**
 * Bounded histories short enough for runs to cross them: 3-block epochs, the records of 2 kept,
 * payout and removal at most 5 entries a block (so an epoch's records go over two blocks);
 * settled commands kept 3 blocks.
 */
const EPOCH_BLOCKS = 3;
const HISTORY_EPOCHS = 2;
const SETTLED_RETENTION = 3;

/**
 * Devices 0–3 registered, generation in intervals 5–19 credited, REC 1 (device 0, 5–9) certified,
 * and a curtailment of device 0 valid until the runs' first block: it expires there and its
 * removal falls in each run's fourth block, so that settled-command removal is covered whatever
 * the seed (random submits settle too, but their removal is rarer).
 */
function baseChain(): TestChain {
  const spec = devChainSpec();
  if (!("runtimeGenesis" in spec.genesis)) throw new Error("runtime genesis expected");
  Object.assign(spec.genesis.runtimeGenesis.config.pog as Record<string, unknown>, { acceptanceWindowIntervals: ACCEPTANCE_WINDOW, claimWindowIntervals: CLAIM_WINDOW, epochLengthBlocks: EPOCH_BLOCKS });
  Object.assign(spec.genesis.runtimeGenesis.config, {
    rewards: { ...(spec.genesis.runtimeGenesis.config.rewards as Record<string, unknown>), historyEpochs: HISTORY_EPOCHS, maxDevicePayoutsPerBlock: 5 },
    control: { ...(spec.genesis.runtimeGenesis.config.control as Record<string, unknown>), settledRetentionBlocks: SETTLED_RETENTION },
  });
  const chain = new TestChain(spec);
  const regs = registrations(chain.genesis.hash);
  const register = (i: number): Call => ({ module: "devices", method: "register", args: registerArgsCodec.encode(regs[i]) });
  ok(chain, [chain.sign("Bob", register(0), { nonce: 0 }), chain.sign("Bob", register(1), { nonce: 1 }), signed(chain, "Charlie", register(2)), signed(chain, "Dave", register(3))], { slot: FIRST_SLOT });
  const readings = [0, 1, 2, 3].flatMap((deviceId) =>
    Array.from({ length: 15 }, (_, k) => readingCodec.encode({ deviceId, interval: 5 + k, cumulativeWh: 100 * (k + 1), energyWh: 100, peakW: 6_000 })),
  );
  ok(chain, [], { slot: FIRST_SLOT + 1n, readings });
  ok(chain, [signed(chain, "Bob", { module: "recs", method: "request", args: requestArgs.encode({ deviceIds: [0], fromInterval: 5, toInterval: 9 }) })]);
  ok(chain, [signed(chain, "Alice", { module: "recs", method: "certify", args: certifyArgs.encode({ recId: 1, serial: "AKRE-0" }) })]);
  const curtail = submitArgs.encode({ deviceId: 0, command: { curtail: { percent: 50 } }, validFrom: chain.head.header.number + 1, validUntil: BASE_HEIGHT + 1 });
  ok(chain, [signed(chain, "Bob", { module: "control", method: "submit", args: curtail })]);
  chain.advanceTo(BASE_HEIGHT);
  return chain;
}

/** Blocks whose initialization removed expired pages, over the run: the runs must reach expiry. */
let expiredBlocks = 0;
/** Blocks that removed reward records or settled commands: the runs must reach both. */
let rewardRemovalBlocks = 0;
let commandRemovalBlocks = 0;

/** Builds, applies and checks one planned block. */
function applyBlock(chain: TestChain, plan: BlockPlan, regs: ReturnType<typeof registrations>): void {
  const state = chain.state();
  const slot = chain.head.slot + BigInt(plan.slots);
  const number = chain.head.header.number + 1;
  const ctx = { chain, state, number, now: intervalAt(chain, slot), registrations: regs };
  const before = new Map(SIGNERS.map((n) => [n, chain.account(publicKeyOf(n)).nonce]));
  const planned = new Map(before);
  const candidates = plan.extrinsics.map((x) => {
    const who = (x.natural ? naturalSigner(ctx, x.action) : null) ?? x.signer;
    const next = planned.get(who)!;
    if (x.nonceDelta === 0) planned.set(who, next + 1);
    return chain.sign(who, buildCall(ctx, who, x.action), { nonce: Math.max(0, next + x.nonceDelta), tip: x.tip });
  });
  const readings = buildReadings(state, ctx.now, plan.readings);

  // Anything but InvalidTransaction thrown while applying escapes produceBlock and fails the run.
  const { block, results } = chain.produceBlock(candidates, { slot, readings });
  const events = chain.events();

  const running = new Map(before);
  for (const bytes of block.extrinsics) {
    const xt = codecs.signedExtrinsic.decode(bytes);
    const who = SIGNERS.find((n) => bytesEqual(publicKeyOf(n), xt.signer))!;
    assert.equal(xt.nonce, running.get(who), `${who}'s applied extrinsic used nonce ${xt.nonce}`);
    running.set(who, xt.nonce + 1);
  }
  for (const n of SIGNERS) assert.equal(chain.account(publicKeyOf(n)).nonce, running.get(n), `${n}'s nonce after the block`);

  const applied = results.filter((r) => !(r instanceof InvalidTransaction)).length;
  assert.equal(applied, block.extrinsics.length);
  assert.equal(events.filter((e) => e.module === "system" && (e.name === "ExtrinsicSuccess" || e.name === "ExtrinsicFailed")).length, applied, "one outcome event per applied extrinsic");
  const credited = events.filter((e) => e.name === "ReadingsCredited").reduce((sum, e) => sum + (e.data.count as number), 0);
  assert.equal(credited + events.filter((e) => e.name === "ReadingRejected").length, readings.length, "each reading credited or rejected");

  const trie = chain.state();
  if (ExpiryHead.get(trie) > ExpiryHead.get(state)) expiredBlocks++;
  if (HistoryStart.get(trie) > HistoryStart.get(state)) rewardRemovalBlocks++;
  if (SettledHead.get(trie) > SettledHead.get(state)) commandRemovalBlocks++;
  assertIssuance(trie);
  assertRecs(trie);
  assertExpiry(trie);
  assertControl(trie);
  assertRewardsHistory(trie);
}

describe("fuzz: state transition", function () {
  this.timeout(fuzzTimeout(40_000));
  let chain: TestChain;
  let base: HeadInfo;
  let regs: ReturnType<typeof registrations>;

  before(() => {
    chain = baseChain();
    base = chain.head;
    regs = registrations(chain.genesis.hash);
    assertIssuance(chain.state());
    assertControl(chain.state());
    assertRewardsHistory(chain.state());
    assertRecs(chain.state());
    assertExpiry(chain.state());
  });

  it("random block sequences keep issuance, REC and nonce invariants, and only InvalidTransaction escapes", () => {
    fc.assert(
      fc.property(fc.array(blockPlan, { minLength: 1, maxLength: 8 }), (plans) => {
        chain.head = base;
        for (const plan of plans) applyBlock(chain, plan, regs);
      }),
      fuzzParams(60),
    );
    assert.ok(expiredBlocks > 0, "some runs expired pages");
    assert.ok(rewardRemovalBlocks > 0, "some runs removed old epochs' reward records");
    assert.ok(commandRemovalBlocks > 0, "some runs removed settled commands");
  });
});
