import assert from "node:assert/strict";
import { IndexedHeap } from "../../../node/txpool/heap.ts";

interface Item {
  key: number;
  id: number;
}

describe("IndexedHeap", () => {
  it("pops in order through random pushes, removals and key updates", () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const heap = new IndexedHeap<Item>((a, b) => a.key < b.key || (a.key === b.key && a.id < b.id));
    const live: Item[] = [];
    for (let i = 0; i < 5000; i++) {
      const op = rand(4);
      if (op <= 1 || live.length === 0) {
        const item = { key: rand(100), id: i };
        heap.push(item);
        live.push(item);
      } else if (op === 2) {
        const [item] = live.splice(rand(live.length), 1);
        assert.equal(heap.remove(item), true);
        assert.equal(heap.remove(item), false, "a removed item is gone");
      } else {
        const item = live[rand(live.length)];
        item.key = rand(100);
        heap.update(item);
      }
      assert.equal(heap.size, live.length);
    }
    live.sort((a, b) => a.key - b.key || a.id - b.id);
    const popped: Item[] = [];
    for (let item = heap.pop(); item; item = heap.pop()) popped.push(item);
    assert.deepEqual(popped, live);
  });

  it("refuses the same item twice", () => {
    const heap = new IndexedHeap<Item>((a, b) => a.key < b.key);
    const item = { key: 1, id: 1 };
    heap.push(item);
    assert.throws(() => heap.push(item));
    assert.equal(heap.has(item), true);
    assert.equal(heap.peek(), item);
  });
});
