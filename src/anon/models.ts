/**
 * Privacy models evaluated on one equivalence class (records sharing their generalized
 * quasi-identifiers):
 * - k-anonymity (Samarati & Sweeney 1998): the class has at least k records;
 * - l-diversity (Machanavajjhala et al. 2007): distinct (≥ l distinct sensitive values), entropy
 *   (H = −Σ p log2 p ≥ log2 l) and recursive-(c,l) (r1 < c·(r_l + … + r_m), counts sorted descending);
 * - t-closeness (Li, Li & Venkatasubramanian 2007): the Earth Mover's Distance between the class's
 *   sensitive distribution and the whole input's is at most t, with the equal ground distance
 *   (EMD = ½ Σ |p_i − q_i|) or the hierarchical ground distance over a value hierarchy of height H
 *   (EMD = Σ over inner nodes N of level(N)/H · min(pos_extra(N), neg_extra(N))).
 *
 * Suppression: a transformation is acceptable when the records of the classes that violate any
 * model total at most `suppressionLimit · n`; those records are suppressed.
 * Monotonicity (what lets the search prune): k-anonymity and distinct l-diversity stay monotone
 * with suppression (a class that satisfies them still does after merging); entropy and recursive
 * l-diversity and t-closeness are monotone only without suppression (Machanavajjhala et al.;
 * EMD is convex in the distribution), so with a suppression limit the search checks them node by node.
 * @module
 */
import { BukejianError } from '../errors.js';
import { anumber, aoneOf, aoptions, astring } from '../_assert.js';
import type { HierarchySpec } from './builders.js';
import { buildHierarchy } from './builders.js';
import { compileHierarchy } from './hierarchy.js';
import type { SensitiveColumn } from './table.js';

/** The JSON form of a privacy model. */
export type ModelSpec =
  | { type: 'k-anonymity'; k: number }
  | {
      type: 'l-diversity';
      attribute: string;
      l: number;
      variant?: 'distinct' | 'entropy' | 'recursive';
      c?: number;
    }
  | {
      type: 't-closeness';
      attribute: string;
      t: number;
      distance?: 'equal' | 'hierarchical';
      hierarchy?: HierarchySpec;
    };

/** A model ready to evaluate classes. */
export interface CompiledModel {
  readonly spec: ModelSpec;
  /** Index of the sensitive attribute, −1 for k-anonymity. */
  readonly attr: number;
  /** Stays monotone when classes may be suppressed. */
  readonly monotoneWithSuppression: boolean;
  /** The class's measured value (size, distinct count, effective l = 2^H, recursive ratio, EMD). */
  measure(size: number, codes: Int32Array, counts: Float64Array, m: number): number;
  /** Whether a measured value satisfies the model. */
  ok(value: number): boolean;
  /** How released classes are summarized in the report: the worst value. */
  readonly worst: 'min' | 'max';
}

/** Validates a model spec (shape only; attributes are resolved by {@link compileModel}). @example validateModel({ type: 'k-anonymity', k: 5 }) */
export function validateModel(spec: ModelSpec): ModelSpec {
  if (spec === null || typeof spec !== 'object')
    throw new BukejianError('INVALID_CONFIG', '"model" expected an object, got another type');
  const type = aoneOf(spec.type, 'model.type', ['k-anonymity', 'l-diversity', 't-closeness']);
  if (type === 'k-anonymity') {
    const s = aoptions(spec, 'model', ['type', 'k']) as { k?: number };
    anumber(s.k, 'k', 1);
  } else if (type === 'l-diversity') {
    const s = aoptions(spec, 'model', ['type', 'attribute', 'l', 'variant', 'c']) as Extract<
      ModelSpec,
      { type: 'l-diversity' }
    >;
    astring(s.attribute, 'attribute');
    const variant =
      s.variant === undefined
        ? 'distinct'
        : aoneOf(s.variant, 'variant', ['distinct', 'entropy', 'recursive']);
    if (
      typeof s.l !== 'number' ||
      !(s.l >= 1) ||
      !Number.isFinite(s.l) ||
      (variant !== 'entropy' && !Number.isInteger(s.l))
    ) {
      throw new BukejianError(
        'INVALID_CONFIG',
        `"l" expected ${variant === 'entropy' ? 'a number' : 'an integer'} ≥ 1, got ${String(s.l).slice(0, 20)}`,
      );
    }
    if (
      variant === 'recursive' &&
      (typeof s.c !== 'number' || !(s.c > 0) || !Number.isFinite(s.c))
    ) {
      throw new BukejianError(
        'INVALID_CONFIG',
        '"c" expected a positive number for recursive-(c,l) diversity, got none',
      );
    }
  } else {
    const s = aoptions(spec, 'model', [
      'type',
      'attribute',
      't',
      'distance',
      'hierarchy',
    ]) as Extract<ModelSpec, { type: 't-closeness' }>;
    astring(s.attribute, 'attribute');
    if (typeof s.t !== 'number' || !(s.t >= 0 && s.t <= 1))
      throw new BukejianError(
        'INVALID_CONFIG',
        '"t" expected a number in [0, 1], got another value',
      );
    const d =
      s.distance === undefined
        ? 'equal'
        : aoneOf(s.distance, 'distance', ['equal', 'hierarchical']);
    if (d === 'hierarchical' && !s.hierarchy)
      throw new BukejianError(
        'INVALID_CONFIG',
        '"hierarchy" expected for hierarchical t-closeness, got none',
      );
  }
  return spec;
}

/**
 * Compiles a model against the encoded sensitive columns (`sensitive[attr]`).
 * @example const m = compileModel({ type: 'k-anonymity', k: 5 }, []); m.ok(m.measure(7, ...)) // true
 */
export function compileModel(
  spec: ModelSpec,
  sensitive: readonly SensitiveColumn[],
): CompiledModel {
  validateModel(spec);
  if (spec.type === 'k-anonymity') {
    const k = spec.k;
    return Object.freeze({
      spec,
      attr: -1,
      monotoneWithSuppression: true,
      measure: (size: number) => size,
      ok: (v: number) => v >= k,
      worst: 'min' as const,
    });
  }
  const attr = sensitive.findIndex((s) => s.name === spec.attribute);
  if (attr < 0)
    throw new BukejianError(
      'INVALID_CONFIG',
      `"attribute" expected a sensitive attribute, got "${spec.attribute.slice(0, 40)}"`,
    );
  if (spec.type === 'l-diversity') {
    const l = spec.l;
    const variant = spec.variant ?? 'distinct';
    if (variant === 'distinct') {
      return Object.freeze({
        spec,
        attr,
        monotoneWithSuppression: true,
        measure: (_s: number, _c: Int32Array, _n: Float64Array, m: number) => m,
        ok: (v: number) => v >= l,
        worst: 'min' as const,
      });
    }
    if (variant === 'entropy') {
      const measure = (size: number, _c: Int32Array, counts: Float64Array, m: number) => {
        let h = 0;
        for (let i = 0; i < m; i++) {
          const p = counts[i]! / size;
          h -= p * Math.log2(p);
        }
        return 2 ** h;
      };
      // 2^H ≥ l ⟺ H ≥ log2 l; a relative tolerance absorbs rounding when H is exactly log2 l
      return Object.freeze({
        spec,
        attr,
        monotoneWithSuppression: false,
        measure,
        ok: (v: number) => v >= l * (1 - 1e-12),
        worst: 'min' as const,
      });
    }
    const c = spec.c!;
    const measure = (_size: number, _c: Int32Array, counts: Float64Array, m: number) => {
      if (m < l) return Infinity;
      const sorted = Array.from(counts.subarray(0, m)).sort((a, b) => b - a);
      let tail = 0;
      for (let i = l - 1; i < m; i++) tail += sorted[i]!;
      return sorted[0]! / tail;
    };
    return Object.freeze({
      spec,
      attr,
      monotoneWithSuppression: false,
      measure,
      ok: (v: number) => v < c,
      worst: 'max' as const,
    });
  }
  // t-closeness
  const col = sensitive[attr]!;
  const total = col.totals.reduce((a, b) => a + b, 0);
  const q = Float64Array.from(col.totals, (x) => x / total);
  const t = spec.t;
  const ok = (v: number) => v <= t + 1e-12;
  if ((spec.distance ?? 'equal') === 'equal') {
    const measure = (size: number, codes: Int32Array, counts: Float64Array, m: number) => {
      let d = 1;
      for (let i = 0; i < m; i++) {
        const qi = q[codes[i]!]!;
        d += Math.abs(counts[i]! / size - qi) - qi;
      }
      return Math.max(0, d / 2);
    };
    return Object.freeze({
      spec,
      attr,
      monotoneWithSuppression: false,
      measure,
      ok,
      worst: 'max' as const,
    });
  }
  const h = compileHierarchy(
    buildHierarchy(spec.hierarchy!),
    col.values,
    spec.attribute,
    col.firstRow && ((i) => col.firstRow![i]!),
  );
  const H = h.height - 1;
  if (H < 1)
    throw new BukejianError(
      'INVALID_CONFIG',
      '"hierarchy" expected at least two levels for hierarchical t-closeness, got one',
    );
  // Li et al.'s ground distance is defined on a tree: mass that must cross between two top-level
  // nodes would otherwise cost nothing, and the EMD (hence t) would be understated.
  if (h.labels[H]!.length !== 1) {
    throw new BukejianError(
      'INVALID_CONFIG',
      `"hierarchy" expected a single root (one value at the top level) for hierarchical t-closeness, got ${h.labels[H]!.length}`,
    );
  }
  // parent[L][c]: the level-(L+1) node of level-L node c
  const parent = Array.from({ length: H }, (_, L) => {
    const p = new Int32Array(h.labels[L]!.length);
    for (let i = 0; i < col.values.length; i++) p[h.codes[L]![i]!] = h.codes[L + 1]![i]!;
    return p;
  });
  const levelSizes = h.labels.map((l) => l.length);
  const ext = levelSizes.map((s) => new Float64Array(s));
  const pos = levelSizes.map((s) => new Float64Array(s));
  const neg = levelSizes.map((s) => new Float64Array(s));
  const measure = (size: number, codes: Int32Array, counts: Float64Array, m: number) => {
    for (let L = 0; L <= H; L++) {
      ext[L]!.fill(0);
      pos[L]!.fill(0);
      neg[L]!.fill(0);
    }
    const e0 = ext[0]!;
    for (let i = 0; i < e0.length; i++) e0[i] = -q[i]!;
    for (let i = 0; i < m; i++) e0[codes[i]!]! += counts[i]! / size;
    let cost = 0;
    for (let L = 0; L < H; L++) {
      const e = ext[L]!;
      const up = parent[L]!;
      const P = pos[L + 1]!;
      const N = neg[L + 1]!;
      const E = ext[L + 1]!;
      for (let c = 0; c < e.length; c++) {
        const x = e[c]!;
        const u = up[c]!;
        E[u]! += x;
        if (x > 0) P[u]! += x;
        else N[u]! -= x;
      }
      for (let u = 0; u < E.length; u++) cost += ((L + 1) / H) * Math.min(P[u]!, N[u]!);
    }
    return cost;
  };
  return Object.freeze({
    spec,
    attr,
    monotoneWithSuppression: false,
    measure,
    ok,
    worst: 'max' as const,
  });
}
