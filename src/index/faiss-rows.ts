/**
 * A FAISS store's vectors in row order, each row with its chunk id (-1 once removed): what
 * every index is built from (faiss-node cannot add with ids, so positions map to rows) and
 * what the store's files hold, byte for byte.
 */
export class VectorRows {
  private vectors = new Float32Array(0);
  private rowIds = new Float64Array(0);
  private used = 0;
  private readonly rowOf = new Map<number, number>();

  constructor(readonly dimension: number) {}

  /** Rows in use, removed ones included. */
  get length(): number {
    return this.used;
  }

  /** Rows not removed. */
  get live(): number {
    return this.rowOf.size;
  }

  /** The ids of the live rows. */
  ids(): number[] {
    return [...this.rowOf.keys()];
  }

  /** The id of `row`, or -1 when removed or past the end. */
  idAt(row: number): number {
    return row < this.used ? this.rowIds[row]! : -1;
  }

  /** Appends one row per entry (ids must not be live); returns the first new row. */
  append(entries: ReadonlyMap<number, Float32Array>): number {
    const first = this.used;
    this.grow(this.used + entries.size);
    for (const [id, vector] of entries) {
      this.vectors.set(vector, this.used * this.dimension);
      this.rowIds[this.used] = id;
      this.rowOf.set(id, this.used++);
    }
    return first;
  }

  /** Marks the rows of `ids` removed; returns those rows (unknown ids are skipped). */
  remove(ids: readonly number[]): Set<number> {
    const rows = new Set<number>();
    for (const id of ids) {
      const row = this.rowOf.get(id);
      if (row === undefined) continue;
      this.rowOf.delete(id);
      this.rowIds[row] = -1;
      rows.add(row);
    }
    return rows;
  }

  /** Drops the removed rows, keeping the others' order; false when there were none. */
  compact(): boolean {
    if (this.rowOf.size === this.used) return false;
    const dim = this.dimension;
    let to = 0;
    for (let row = 0; row < this.used; row++) {
      const id = this.rowIds[row]!;
      if (id < 0) continue;
      if (to !== row) {
        this.vectors.copyWithin(to * dim, row * dim, (row + 1) * dim);
        this.rowIds[to] = id;
      }
      this.rowOf.set(id, to++);
    }
    this.used = to;
    return true;
  }

  /** The live rows, ascending. */
  liveRows(): number[] {
    const rows: number[] = [];
    for (let row = 0; row < this.used; row++) if (this.rowIds[row]! >= 0) rows.push(row);
    return rows;
  }

  /**
   * The `k` live rows of highest inner product with `query`, highest first, by a scan of
   * every row (what an approximate index falls back to when it finds too few).
   */
  nearest(query: Float32Array, k: number): { row: number; score: number }[] {
    const dim = this.dimension;
    const scored: { row: number; score: number }[] = [];
    for (let row = 0; row < this.used; row++) {
      if (this.rowIds[row]! < 0) continue;
      let dot = 0;
      for (let i = 0, o = row * dim; i < dim; i++) dot += this.vectors[o + i]! * query[i]!;
      scored.push({ row, score: dot });
    }
    return scored.sort((a, b) => b.score - a.score).slice(0, k);
  }

  /** The vectors of `rows`, one after another, as the plain array FAISS's `add` takes. */
  flatten(rows: readonly number[]): number[] {
    const dim = this.dimension;
    const out = new Array<number>(rows.length * dim);
    let k = 0;
    for (const row of rows)
      for (let i = row * dim; i < (row + 1) * dim; i++) out[k++] = this.vectors[i]!;
    return out;
  }

  /** Rows `[from, length)` of vectors as bytes (float32, host order), not copied. */
  vectorBytes(from: number): Uint8Array {
    const rowBytes = this.dimension * 4;
    return new Uint8Array(this.vectors.buffer, from * rowBytes, (this.used - from) * rowBytes);
  }

  /** Every row's id as bytes (float64, host order), not copied. */
  idBytes(): Uint8Array {
    return new Uint8Array(this.rowIds.buffer, 0, this.used * 8);
  }

  /**
   * Replaces the rows with `length` rows that `fill` writes into the byte views it is given
   * (vectors, ids).
   */
  async load(
    length: number,
    fill: (vectors: Uint8Array, ids: Uint8Array) => Promise<void>,
  ): Promise<void> {
    this.used = 0;
    this.rowOf.clear();
    this.grow(length);
    await fill(
      new Uint8Array(this.vectors.buffer, 0, length * this.dimension * 4),
      new Uint8Array(this.rowIds.buffer, 0, length * 8),
    );
    this.used = length;
    for (let row = 0; row < length; row++) {
      const id = this.rowIds[row]!;
      if (id >= 0) this.rowOf.set(id, row);
    }
  }

  /** Frees the memory. */
  clear(): void {
    this.vectors = new Float32Array(0);
    this.rowIds = new Float64Array(0);
    this.used = 0;
    this.rowOf.clear();
  }

  /** Room for `rows` rows (capacity at least doubles). */
  private grow(rows: number): void {
    if (rows <= this.rowIds.length) return;
    const capacity = Math.max(rows, this.rowIds.length * 2, 1024);
    const vectors = new Float32Array(capacity * this.dimension);
    vectors.set(this.vectors.subarray(0, this.used * this.dimension));
    const rowIds = new Float64Array(capacity);
    rowIds.set(this.rowIds.subarray(0, this.used));
    this.vectors = vectors;
    this.rowIds = rowIds;
  }
}
