/**
 * Binary heap whose items can be removed or re-ordered in O(log n) (it keeps each item's slot).
 * `before(a, b)` is true when `a` must come out before `b`. Items are compared by identity, so
 * each must be pushed once.
 */
export class IndexedHeap<T> {
  private readonly items: T[] = [];
  private readonly slots = new Map<T, number>();
  private readonly before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.before = before;
  }

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.slots.has(item);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (this.slots.has(item)) throw new Error("item already in heap");
    this.items.push(item);
    this.slots.set(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `item` if present; returns whether it was. */
  remove(item: T): boolean {
    const slot = this.slots.get(item);
    if (slot === undefined) return false;
    this.slots.delete(item);
    const last = this.items.pop() as T;
    if (slot < this.items.length) {
      this.items[slot] = last;
      this.slots.set(last, slot);
      this.update(last);
    }
    return true;
  }

  /** Restores the order after the key of `item` changed (pushes it when absent). */
  update(item: T): void {
    const slot = this.slots.get(item);
    if (slot === undefined) return this.push(item);
    this.down(this.up(slot));
  }

  private up(slot: number): number {
    const item = this.items[slot];
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.before(item, this.items[parent])) break;
      this.place(this.items[parent], slot);
      slot = parent;
    }
    this.place(item, slot);
    return slot;
  }

  private down(slot: number): void {
    const item = this.items[slot];
    const n = this.items.length;
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(this.items[right], this.items[left]) ? right : left;
      if (!this.before(this.items[child], item)) break;
      this.place(this.items[child], slot);
      slot = child;
    }
    this.place(item, slot);
  }

  private place(item: T, slot: number): void {
    this.items[slot] = item;
    this.slots.set(item, slot);
  }
}
