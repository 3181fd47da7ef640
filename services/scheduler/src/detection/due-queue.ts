/** Something kept in a `DueQueue`: its `dueAt` is the time it is queued for (NaN or Infinity: not queued). */
export interface Queued {
  dueAt: number;
}

/**
 * A binary min-heap of (due time, item) in two parallel arrays, with lazy deletion: when an item's due time
 * changes it is pushed again, and an entry whose time no longer equals the item's `dueAt` is skipped when it
 * surfaces. A pulse then costs O(k log n) for the k items due, not a pass over every track.
 */
export class DueQueue<T extends Queued> {
  private readonly dues: number[] = [];
  private readonly items: T[] = [];

  get length(): number {
    return this.dues.length;
  }

  /** Sets `item.dueAt` and queues it, unless it is already queued for exactly that time. */
  schedule(item: T, due: number): void {
    if (item.dueAt === due) return;
    item.dueAt = due;
    if (!Number.isFinite(due)) return;
    const dues = this.dues;
    const items = this.items;
    let i = dues.length;
    dues.push(due);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentDue = dues[parent]!;
      if (parentDue <= due) break;
      dues[i] = parentDue;
      items[i] = items[parent]!;
      i = parent;
    }
    dues[i] = due;
    items[i] = item;
  }

  /** Removes and returns the next item due at or before `t` (its `dueAt` set to Infinity), or undefined. */
  popDue(t: number): T | undefined {
    while (this.dues.length > 0) {
      const due = this.dues[0]!;
      if (due > t) return undefined;
      const item = this.items[0]!;
      this.removeTop();
      if (item.dueAt === due) {
        item.dueAt = Infinity;
        return item;
      }
    }
    return undefined;
  }

  /**
   * Drops the stale entries (each keeps a replaced or re-queued item reachable until it surfaces) and
   * rebuilds the heap: O(n). Callers run it when stale entries outnumber live ones.
   */
  compact(): void {
    const dues: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.dues.length; i += 1) {
      if (this.items[i]!.dueAt === this.dues[i]) {
        dues.push(this.dues[i]!);
        items.push(this.items[i]!);
      }
    }
    this.dues.length = 0;
    this.items.length = 0;
    for (let i = 0; i < dues.length; i += 1) {
      this.dues.push(dues[i]!);
      this.items.push(items[i]!);
    }
    for (let i = (this.dues.length >> 1) - 1; i >= 0; i -= 1) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const dues = this.dues;
    const items = this.items;
    const n = dues.length;
    const due = dues[start]!;
    const item = items[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && dues[right]! < dues[left]! ? right : left;
      if (dues[child]! >= due) break;
      dues[i] = dues[child]!;
      items[i] = items[child]!;
      i = child;
    }
    dues[i] = due;
    items[i] = item;
  }

  private removeTop(): void {
    const dues = this.dues;
    const items = this.items;
    const lastDue = dues.pop()!;
    const lastItem = items.pop()!;
    const n = dues.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && dues[right]! < dues[left]! ? right : left;
      if (dues[child]! >= lastDue) break;
      dues[i] = dues[child]!;
      items[i] = items[child]!;
      i = child;
    }
    dues[i] = lastDue;
    items[i] = lastItem;
  }
}
