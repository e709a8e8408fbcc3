/**
 * Seeded k-means (k-means++ start, Lloyd iterations) for sparse non-negative vectors such as order
 * images: 3,072 cells of which a minute of order flow fills a few hundred. Distances use
 * ‖x − c‖² = ‖x‖² − 2·x·c + ‖c‖² with the dot product over x's non-zeros, so a pass costs
 * points × k × non-zeros rather than points × k × dimensions. Written here because the general-purpose
 * packages work on dense number[][] and would be ~10–20× slower on this shape of data.
 */
import { Rng } from '../util/rng';

/** Vectors in compressed-row form. */
export interface SparseRows {
  rows: number;
  dim: number;
  /** rows + 1 offsets into `index` / `value`. */
  start: Int32Array;
  index: Int32Array;
  value: Float32Array;
}

export function toSparseRows(dense: Float32Array, rows: number, dim: number): SparseRows {
  let nnz = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) nnz++;
  const start = new Int32Array(rows + 1);
  const index = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    start[r] = k;
    for (let j = 0, at = r * dim; j < dim; j++, at++) {
      const v = dense[at];
      if (v !== 0) {
        index[k] = j;
        value[k++] = v;
      }
    }
  }
  start[rows] = k;
  return { rows, dim, start, index, value };
}

export interface KMeansResult {
  /** k × dim, row-major. */
  centroids: Float32Array;
  k: number;
  assignment: Int32Array;
  /** Sum over points of the squared distance to their centroid. */
  inertia: number;
  iterations: number;
}

function sqNorms(x: SparseRows): Float64Array {
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let s = 0;
    for (let p = x.start[r]; p < x.start[r + 1]; p++) s += x.value[p] * x.value[p];
    out[r] = s;
  }
  return out;
}

/** Squared distance from row r of x to centroid c (given ‖c‖²). */
function dist(x: SparseRows, xNorm: Float64Array, r: number, C: Float32Array, c: number, cNorm: number): number {
  let dot = 0;
  const base = c * x.dim;
  for (let p = x.start[r]; p < x.start[r + 1]; p++) dot += x.value[p] * C[base + x.index[p]];
  const d = xNorm[r] - 2 * dot + cNorm;
  return d > 0 ? d : 0;
}

/** Nearest centroid of every row of `x`, and the squared distance to it. */
export function assign(x: SparseRows, centroids: Float32Array, k: number): { assignment: Int32Array; distance: Float64Array } {
  const xNorm = sqNorms(x);
  const cNorm = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0, at = c * x.dim; j < x.dim; j++, at++) s += centroids[at] * centroids[at];
    cNorm[c] = s;
  }
  const assignment = new Int32Array(x.rows);
  const distance = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < k; c++) {
      const d = dist(x, xNorm, r, centroids, c, cNorm[c]);
      if (d < bd) {
        bd = d;
        best = c;
      }
    }
    assignment[r] = best;
    distance[r] = bd;
  }
  return { assignment, distance };
}

export function kmeans(x: SparseRows, k: number, options: { seed?: number; maxIterations?: number } = {}): KMeansResult {
  if (x.rows === 0) throw new Error('k-means: no points');
  k = Math.min(k, x.rows);
  const rng = new Rng(options.seed ?? 0);
  const dim = x.dim;
  const C = new Float32Array(k * dim);
  const xNorm = sqNorms(x);
  const setCentroid = (c: number, r: number) => {
    C.fill(0, c * dim, (c + 1) * dim);
    for (let p = x.start[r]; p < x.start[r + 1]; p++) C[c * dim + x.index[p]] = x.value[p];
  };
  // k-means++: each next centre drawn with probability ∝ squared distance to the nearest chosen one.
  setCentroid(0, rng.int(x.rows));
  const nearest = new Float64Array(x.rows).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let cn = 0;
    for (let j = 0, at = (c - 1) * dim; j < dim; j++, at++) cn += C[at] * C[at];
    let total = 0;
    for (let r = 0; r < x.rows; r++) {
      const d = dist(x, xNorm, r, C, c - 1, cn);
      if (d < nearest[r]) nearest[r] = d;
      total += nearest[r];
    }
    setCentroid(c, total > 0 ? rng.weighted(nearest) : rng.int(x.rows));
  }
  const maxIter = options.maxIterations ?? 50;
  let assignment: Int32Array = new Int32Array(x.rows).fill(-1);
  let iterations = 0;
  let inertia = 0;
  const counts = new Float64Array(k);
  for (; iterations < maxIter; iterations++) {
    const a = assign(x, C, k);
    inertia = 0;
    let changed = 0;
    for (let r = 0; r < x.rows; r++) {
      inertia += a.distance[r];
      if (a.assignment[r] !== assignment[r]) changed++;
    }
    assignment = a.assignment;
    if (changed === 0) break;
    // Update: each centroid becomes the mean of its points.
    C.fill(0);
    counts.fill(0);
    for (let r = 0; r < x.rows; r++) {
      const c = assignment[r];
      counts[c]++;
      for (let p = x.start[r]; p < x.start[r + 1]; p++) C[c * dim + x.index[p]] += x.value[p];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster restarts at the point farthest from its centroid.
        let far = 0;
        for (let r = 1; r < x.rows; r++) if (a.distance[r] > a.distance[far]) far = r;
        a.distance[far] = 0;
        setCentroid(c, far);
        continue;
      }
      const inv = 1 / counts[c];
      for (let j = 0, at = c * dim; j < dim; j++, at++) C[at] *= inv;
    }
  }
  return { centroids: C, k, assignment, inertia, iterations };
}
