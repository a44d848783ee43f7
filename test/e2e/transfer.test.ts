import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatAmount } from "../../cli/amount.ts";
import { TREASURY_ACCOUNT } from "../../genesis/presets.ts";
import { ProcessScope, waitUntil, type NodeProcess } from "../../harness/process.ts";
import { AKRE, accountOf, blockEvents, devAddress, feePaid, heads, parseInclusion, totalIssuanceAt, writeFastDevSpec } from "../../harness/devChain.ts";

const SLOT_MS = 500;
/** The dev preset burns this share of each fee (tip excluded); the rest goes to the treasury. */
const FEE_BURN_PERCENT = 20n;

describe("e2e: tx transfer (CLI against a running node)", function () {
  this.timeout(30_000);
  const scope = new ProcessScope();
  let node: NodeProcess;
  let bob: string;

  before(async () => {
    const dir = scope.tempDir("transfer");
    node = await scope.startNode({ chain: writeFastDevSpec(dir, SLOT_MS), basePath: join(dir, "base"), args: ["--alice"] });
    // The recipient's address, as a user finds it.
    const inspect = await scope.run(["key", "inspect", "//Bob"]);
    assert.equal(inspect.code, 0, inspect.stderr);
    bob = /SS58 Address:\s+(\w+)/.exec(inspect.stdout)?.[1] ?? "";
    assert.equal(bob, devAddress("Bob"));
  });
  after(() => scope.dispose());

  function transfer(from: string, amount: string, extra: string[] = []): ReturnType<ProcessScope["run"]> {
    return scope.run(["tx", "transfer", "--from", from, "--to", bob, "--amount", amount, "--rpc", node.wsUrl, ...extra], 20_000);
  }

  it("moves the amount to //Bob and charges //Alice exactly amount + the fee of its TransactionFeePaid event", async () => {
    const [alice0, bob0] = [await accountOf(node, "Alice"), await accountOf(node, "Bob")];
    const result = await transfer("//Alice", "12.5");
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Transfer succeeded/);

    const inclusion = parseInclusion(result.stdout);
    const { fee, tip } = feePaid(await blockEvents(node, inclusion.hash), inclusion.index);
    assert.equal(tip, 0n);
    assert.ok(fee > 0n, "no fee charged");
    assert.ok(result.stdout.includes(`Fee paid: ${formatAmount(fee, 18)} AKRE`), "printed fee differs from the event's");

    const amount = 12n * AKRE + AKRE / 2n;
    const [alice1, bob1] = [await accountOf(node, "Alice"), await accountOf(node, "Bob")];
    assert.equal(alice0.free - alice1.free, amount + fee);
    assert.equal(alice1.nonce, alice0.nonce + 1);
    assert.equal(bob1.free - bob0.free, amount);
  });

  it("reads the sender's secret URI from a file named by --from, keeping it off the command line", async () => {
    const file = join(scope.tempDir("signer"), "dave.key");
    writeFileSync(file, "//Dave\n", { mode: 0o600 });
    const dave0 = await accountOf(node, "Dave");
    const result = await transfer(file, "1");
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal((await accountOf(node, "Dave")).nonce, dave0.nonce + 1);
  });

  it("refuses a --from file that others may read, sending nothing", async () => {
    const file = join(scope.tempDir("signer-open"), "dave.key");
    writeFileSync(file, "//Dave\n", { mode: 0o644 });
    const dave0 = await accountOf(node, "Dave");
    const result = await transfer(file, "1");
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /permissions 0644 for the from file .* are too open/);
    assert.equal((await accountOf(node, "Dave")).nonce, dave0.nonce);
  });

  it("charges a tip on top of the fee and pays it to the block author, the fee to treasury and burn", async () => {
    const charlie0 = await accountOf(node, "Charlie");
    const [alice0, bob0, treasury0] = [await accountOf(node, "Alice"), await accountOf(node, "Bob"), await accountOf(node, TREASURY_ACCOUNT)];
    const result = await transfer("//Charlie", "3", ["--tip", "0.25"]);
    assert.equal(result.code, 0, result.stdout + result.stderr);

    const inclusion = parseInclusion(result.stdout);
    const { fee, tip } = feePaid(await blockEvents(node, inclusion.hash), inclusion.index);
    assert.equal(tip, AKRE / 4n);
    const charlie1 = await accountOf(node, "Charlie");
    const [alice1, bob1, treasury1] = [await accountOf(node, "Alice"), await accountOf(node, "Bob"), await accountOf(node, TREASURY_ACCOUNT)];
    assert.equal(charlie0.free - charlie1.free, 3n * AKRE + fee + tip);
    assert.equal(bob1.free - bob0.free, 3n * AKRE);
    assert.equal(alice1.free - alice0.free, tip, "the author (//Alice) receives the tip");
    const burned = (fee * FEE_BURN_PERCENT) / 100n;
    assert.equal(treasury1.free - treasury0.free, fee - burned);
    const parent = (await node.rpc<{ parentHash: string }>("chain_getHeader", [inclusion.hash])).parentHash;
    assert.equal((await totalIssuanceAt(node, parent)) - (await totalIssuanceAt(node, inclusion.hash)), burned, "total issuance drops by the burned share");
  });

  it("exits non-zero for a transfer above the balance, and only the fee is taken", async () => {
    const [alice0, bob0] = [await accountOf(node, "Alice"), await accountOf(node, "Bob")];
    const result = await transfer("//Alice", "2000000");
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stderr, /transfer failed: balances\.InsufficientBalance/);

    const inclusion = parseInclusion(result.stdout);
    const { fee } = feePaid(await blockEvents(node, inclusion.hash), inclusion.index);
    const [alice1, bob1] = [await accountOf(node, "Alice"), await accountOf(node, "Bob")];
    assert.equal(alice0.free - alice1.free, fee);
    assert.equal(alice1.nonce, alice0.nonce + 1);
    assert.deepEqual(bob1, bob0);
  });

  it("is refused before submission for an unknown recipient address, with nothing charged", async () => {
    const alice0 = await accountOf(node, "Alice");
    const result = await scope.run(["tx", "transfer", "--from", "//Alice", "--to", "5NotAnAddress", "--amount", "1", "--rpc", node.wsUrl]);
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stdout, /submitted/);
    // Two blocks later, still nothing charged.
    const { best } = await heads(node);
    await waitUntil(async () => (await heads(node)).best.number >= best.number + 2, 10 * SLOT_MS, "two more blocks");
    assert.deepEqual(await accountOf(node, "Alice"), alice0);
  });
});
