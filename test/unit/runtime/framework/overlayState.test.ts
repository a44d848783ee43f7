import assert from "node:assert/strict";
import { fromHex, toHex } from "../../../../primitives/bytes.ts";
import { OverlayState, type StateChange } from "../../../../runtime/framework/state.ts";

const A = fromHex("0x0a");
const B = fromHex("0x0b");
const C = fromHex("0x0c");

function baseWith(entries: Record<string, string>): { get(key: Uint8Array): Uint8Array | undefined } {
  const map = new Map(Object.entries(entries));
  return { get: (key) => (map.has(toHex(key)) ? fromHex(map.get(toHex(key)) as string) : undefined) };
}

function read(state: OverlayState, key: Uint8Array): string | undefined {
  const v = state.get(key);
  return v === undefined ? undefined : toHex(v);
}

function plainChanges(changes: StateChange[]): Array<[string, string | null]> {
  return changes.map((c) => [toHex(c.key), c.value === null ? null : toHex(c.value)]);
}

describe("OverlayState", () => {
  it("reads through to the base until a key is written or deleted", () => {
    const state = new OverlayState(baseWith({ "0x0a": "0x01", "0x0b": "0x02" }));
    assert.equal(read(state, A), "0x01");
    state.set(A, fromHex("0x11"));
    state.delete(B);
    assert.equal(read(state, A), "0x11");
    assert.equal(read(state, B), undefined);
    assert.equal(read(state, C), undefined);
  });

  it("changes() lists the writes and deletions sorted by key, whatever the write order", () => {
    const state = new OverlayState(baseWith({ "0x0b": "0x02" }));
    state.set(C, fromHex("0x03"));
    state.set(fromHex("0x0a00"), fromHex("0x05"));
    state.delete(B);
    state.set(A, fromHex("0x01"));
    state.set(C, fromHex("0x33"));
    assert.deepEqual(plainChanges(state.changes()), [
      ["0x0a", "0x01"],
      ["0x0a00", "0x05"],
      ["0x0b", null],
      ["0x0c", "0x33"],
    ]);
  });

  it("a rolled-back transaction undoes exactly its own writes, including deletions of base keys", () => {
    const state = new OverlayState(baseWith({ "0x0b": "0x02" }));
    state.set(A, fromHex("0x01"));
    state.startTransaction();
    state.set(A, fromHex("0x10"));
    state.delete(B);
    state.set(C, fromHex("0x30"));
    state.rollbackTransaction();
    assert.equal(read(state, A), "0x01");
    assert.equal(read(state, B), "0x02");
    assert.equal(read(state, C), undefined);
    assert.deepEqual(plainChanges(state.changes()), [["0x0a", "0x01"]]);
  });

  it("rolling back an inner transaction keeps the outer one's writes", () => {
    const state = new OverlayState(baseWith({}));
    state.startTransaction();
    state.set(A, fromHex("0x01"));
    state.startTransaction();
    state.set(A, fromHex("0x02"));
    state.set(B, fromHex("0x02"));
    state.rollbackTransaction();
    assert.equal(read(state, A), "0x01");
    assert.equal(read(state, B), undefined);
    state.commitTransaction();
    assert.deepEqual(plainChanges(state.changes()), [["0x0a", "0x01"]]);
  });

  it("rolling back an outer transaction also undoes an inner one that committed", () => {
    const state = new OverlayState(baseWith({ "0x0a": "0x00" }));
    state.set(C, fromHex("0x0c"));
    state.startTransaction();
    state.set(A, fromHex("0x01"));
    state.startTransaction();
    state.set(A, fromHex("0x02"));
    state.set(B, fromHex("0x02"));
    state.commitTransaction();
    assert.equal(read(state, A), "0x02");
    state.rollbackTransaction();
    assert.equal(read(state, A), "0x00");
    assert.equal(read(state, B), undefined);
    assert.deepEqual(plainChanges(state.changes()), [["0x0c", "0x0c"]]);
  });

  it("committed nested transactions keep every write", () => {
    const state = new OverlayState(baseWith({}));
    state.startTransaction();
    state.set(A, fromHex("0x01"));
    state.startTransaction();
    state.set(B, fromHex("0x02"));
    state.commitTransaction();
    state.commitTransaction();
    assert.deepEqual(plainChanges(state.changes()), [
      ["0x0a", "0x01"],
      ["0x0b", "0x02"],
    ]);
  });

  it("transactional() commits when the function returns and rolls back and rethrows when it throws", () => {
    const state = new OverlayState(baseWith({}));
    assert.equal(
      state.transactional(() => {
        state.set(A, fromHex("0x01"));
        return 7;
      }),
      7,
    );
    const failure = new Error("call failed");
    assert.throws(
      () =>
        state.transactional(() => {
          state.set(A, fromHex("0x02"));
          state.set(B, fromHex("0x02"));
          throw failure;
        }),
      (e: unknown) => e === failure,
    );
    assert.deepEqual(plainChanges(state.changes()), [["0x0a", "0x01"]]);
  });

  it("refuses to list changes while a transaction is open, and to close one that is not", () => {
    const state = new OverlayState(baseWith({}));
    assert.throws(() => state.commitTransaction());
    assert.throws(() => state.rollbackTransaction());
    state.startTransaction();
    assert.throws(() => state.changes());
    state.commitTransaction();
    assert.deepEqual(state.changes(), []);
  });
});
