/** The forest's trees as stored (depth-first, left child next), which {@link ForestKernel} recompiles. */
export interface ForestTrees {
  /** Tree t is nodes `roots[t]` to `roots[t + 1] - 1`. */
  readonly roots: Int32Array;
  /** Split column, −1 at a leaf. */
  readonly feature: Int16Array;
  /** Threshold at an internal node (`x > threshold` goes right); path length at a leaf. */
  readonly value: Float64Array;
  /** Right child of an internal node. */
  readonly right: Int32Array;
}

/** Trees deeper than this are not compiled: a complete tree of depth 12 already has 4,096 leaves. */
export const KERNEL_MAX_DEPTH = 12;

/** Memory the kernel may take; a forest that needs more is scored by the plain walk. */
const MAX_BYTES = 256 * 1024 * 1024;
/** Trees walked side by side. */
const LANES = 8;
/** Bytes of one node record: the f64 threshold, then the i32 byte address of its column in the row. */
const RECORD = 16;

/** The slice of the WebAssembly API the kernel uses (the project's type libraries do not declare it). */
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
};

/**
 * The scoring kernel of an isolation forest: all its trees padded to complete binary trees of
 * depth D (the forest's `maxDepth`), laid out as heaps in WebAssembly memory, and a small
 * WebAssembly function, assembled here for that layout, that walks eight trees side by side.
 *
 * Why this and not a loop over the stored nodes: walking a tree is a chain of dependent loads
 * with an unpredictable branch at every level, so a node-by-node walk mostly waits (about 5 µs
 * for 100 trees of 256 rows on the bench machine). In a heap the child of node k is 2k + (x > t):
 * arithmetic on the comparison, no branch and no child pointer; every path has the same length;
 * and eight independent walks keep the CPU busy. The same walk in JavaScript takes 1.1 µs, most
 * of it in the type, bounds and overflow checks V8 repeats at every step; in WebAssembly, which
 * has none of them, 0.75 µs. (Also tried in JavaScript: 4 to 10 lanes, 8 being the fastest;
 * 16-bit columns and one array for everything, no faster; float32 thresholds, 8% faster but
 * no longer exact.)
 *
 * A leaf above depth D becomes "splits" at +∞ (every row goes left, NaN too) over copies of
 * itself, so the walk always ends at depth D on the leaf's own path length; a NaN goes left at
 * real splits too, as in IsolationForest.pathLengths. Memory: 24 bytes × 2^D per tree
 * (640 KB for 100 trees of depth 8), hence {@link KERNEL_MAX_DEPTH} and {@link ForestKernel.fits}.
 *
 * Memory layout, in bytes: the row being scored (f64 per column) at 0; node records from `R`;
 * leaf path lengths from `LB`. Trees go in groups of eight; in a group starting at slot G, heap
 * node k (1 ≤ k < 2^D) of lane j is slot G + 8k + j, its record at R + 16 × slot, and heap leaf
 * k (2^D ≤ k < 2^(D+1)) is leaf slot G + 8(k − 2^D) + j. Lanes past the last tree have +∞
 * thresholds and leaves worth 0.
 */
export class ForestKernel {
  private readonly row: Float64Array;
  private readonly run: () => number;

  /** Whether a forest of this shape can be compiled here (depth, memory, WebAssembly available). */
  static fits(trees: number, depth: number, columns: number): boolean {
    if (typeof WebAssembly === 'undefined' || depth < 1 || depth > KERNEL_MAX_DEPTH) return false;
    const slots = Math.ceil(trees / LANES) * LANES * 2 ** depth;
    return 8 * columns + (RECORD + 8) * slots <= MAX_BYTES;
  }

  constructor(forest: ForestTrees, depth: number, columns: number) {
    if (!ForestKernel.fits(forest.roots.length - 1, depth, columns)) {
      throw new Error(`ForestKernel: cannot compile a forest of depth ${depth} here`);
    }
    const trees = forest.roots.length - 1;
    const full = 1 << depth;
    const groups = Math.ceil(trees / LANES);
    const slots = groups * LANES * full;
    const R = 16 * Math.ceil((8 * columns) / 16);
    const LB = R + RECORD * slots;
    const pages = Math.ceil((LB + 8 * slots) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages });
    const f64 = new Float64Array(memory.buffer);
    const i32 = new Int32Array(memory.buffer);
    for (let s = 0; s < slots; s++) f64[(R + RECORD * s) / 8] = Number.POSITIVE_INFINITY;

    const place = (g0: number, j: number, node: number, k: number, d: number): void => {
      if (d === depth) {
        f64[LB / 8 + g0 + LANES * (k - full) + j] = forest.value[node] as number;
        return;
      }
      const f = forest.feature[node] as number;
      const record = R + RECORD * (g0 + LANES * k + j);
      if (f < 0) {
        place(g0, j, node, 2 * k, d + 1);
        place(g0, j, node, 2 * k + 1, d + 1);
        return;
      }
      f64[record / 8] = forest.value[node] as number;
      i32[record / 4 + 2] = 8 * f;
      place(g0, j, node + 1, 2 * k, d + 1);
      place(g0, j, forest.right[node] as number, 2 * k + 1, d + 1);
    };
    for (let t = 0; t < trees; t++) {
      place(Math.floor(t / LANES) * LANES * full, t % LANES, forest.roots[t] as number, 1, 0);
    }

    const bytes = assembleKernel({ depth, groups, full, R, LB, pages });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { memory } });
    this.run = instance.exports.total as () => number;
    this.row = new Float64Array(memory.buffer, 0, columns);
  }

  /** Sum of the row's path lengths over all trees. */
  totalPathLength(row: ArrayLike<number>, offset: number): number {
    const x = this.row;
    for (let i = 0; i < x.length; i++) x[i] = row[offset + i] as number;
    return this.run();
  }
}

/** WebAssembly opcodes the kernel uses (binary format, https://webassembly.github.io/spec/core/binary/). */
const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Const: 0x41,
  i32LtU: 0x49,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
} as const;

/**
 * The module: imports the memory as `m.memory`, exports `total(): f64`. In WebAssembly text:
 *
 *   for g in 0 ..< groups:                          ;; eight trees at a time
 *     for j in 0 ..< 8: K[j] = R + 16 (g × 8 × 2^D + j);  A[j] = K[j] + 128   ;; record of heap node 1
 *     repeat D times, for j in 0 ..< 8:               ;; A = K[j] + 128 k, so child 2k + b is:
 *       A[j] = 2 A[j] − K[j] + 128 × (f64.load(i32.load(A[j] + 8)) > f64.load(A[j]))
 *     for j: total += f64.load(A[j] / 2 + LB − R / 2 − 64 × 2^D)     ;; the leaf reached
 */
function assembleKernel(p: {
  depth: number;
  groups: number;
  full: number;
  R: number;
  LB: number;
  pages: number;
}): Uint8Array {
  const G = 0; // local: group number
  const A = (j: number): number => 1 + j; // locals: byte address of lane j's current record
  const K = (j: number): number => 1 + LANES + j; // locals: lane j's record base
  const TOTAL = 1 + 2 * LANES; // local f64
  const c: number[] = [];
  const get = (local: number): void => void c.push(OP.localGet, local);
  const i32 = (n: number): void => void c.push(OP.i32Const, ...sleb(n));
  const load = (op: number, offset: number): void =>
    void c.push(op, op === OP.f64Load ? 3 : 2, ...uleb(offset));

  c.push(OP.block, 0x40, OP.loop, 0x40);
  for (let j = 0; j < LANES; j++) {
    get(G);
    i32(RECORD * LANES * p.full);
    c.push(OP.i32Mul);
    i32(p.R + RECORD * j);
    c.push(OP.i32Add, OP.localTee, K(j));
    i32(RECORD * LANES);
    c.push(OP.i32Add, OP.localSet, A(j));
  }
  for (let d = 0; d < p.depth; d++) {
    for (let j = 0; j < LANES; j++) {
      get(A(j));
      i32(1);
      c.push(OP.i32Shl);
      get(K(j));
      c.push(OP.i32Sub);
      get(A(j));
      load(OP.i32Load, 8); // byte address of the column in the row
      load(OP.f64Load, 0); // the row's value
      get(A(j));
      load(OP.f64Load, 0); // the threshold
      c.push(OP.f64Gt);
      i32(Math.log2(RECORD * LANES)); // × 128
      c.push(OP.i32Shl, OP.i32Add, OP.localSet, A(j));
    }
  }
  for (let j = 0; j < LANES; j++) {
    get(TOTAL);
    get(A(j));
    i32(1);
    c.push(OP.i32ShrU);
    load(OP.f64Load, p.LB - p.R / 2 - 8 * LANES * p.full);
    c.push(OP.f64Add, OP.localSet, TOTAL);
  }
  get(G);
  i32(1);
  c.push(OP.i32Add, OP.localTee, G);
  i32(p.groups);
  c.push(OP.i32LtU, OP.brIf, 0, OP.end, OP.end);
  get(TOTAL);
  c.push(OP.end);

  const locals = [2, ...uleb(1 + 2 * LANES), 0x7f, 1, 0x7c]; // 17 × i32, 1 × f64
  const body = [...locals, ...c];
  const name = (text: string): number[] => [...uleb(text.length), ...Buffer.from(text, 'latin1')];
  const section = (id: number, entries: number[][]): number[] => {
    const content = [...uleb(entries.length), ...entries.flat()];
    return [id, ...uleb(content.length), ...content];
  };
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [[0x60, 0, 1, 0x7c]]), // type 0: () → f64
    ...section(2, [[...name('m'), ...name('memory'), 0x02, 0x00, ...uleb(p.pages)]]), // import memory
    ...section(3, [[0]]), // function 0 has type 0
    ...section(7, [[...name('total'), 0x00, 0]]), // export function 0
    ...section(10, [[...uleb(body.length), ...body]]), // its code
  ]);
}

function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(byte & 0x40)) || (v === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}
