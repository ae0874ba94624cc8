// Generates src/sm2/_field-wasm.ts: a WebAssembly kernel for the SM2 prime field and the PSI
// blinding loops, emitted opcode by opcode by this script (no outside toolchain: the package
// ships the bytes as base64, and test/sm2-field.test.ts checks that this script gives the same
// bytes). Run: node scripts/gen-sm2-wasm.mjs [--check]
//
// Field representation: 9 limbs of 29 bits held in i64 during the arithmetic and stored as i32
// (36 bytes per element), Montgomery form with R = 2^261. Because p ≡ −1 (mod 2^64),
// −p⁻¹ ≡ 1 (mod 2^29) and m·p is the sparse sum m·(2^256 − 2^224 − 2^96 + 2^64 − 1): each of the
// 9 reduction steps is five shifted additions. Every stored element has limbs 0–7 in [0, 2^29)
// and a signed top limb, |value| < 2^257 ("loosely reduced"): a column of a product is at most
// 9·2^58 < 2^62, exact in i64 (the one exception, `lazy`, leaves limbs below 2^30 in absolute
// value, only as a factor of the next product). Only `canonical` (and what uses it: bytes,
// isZero, isOdd) gives the value in [0, p).
//
// Constant time: no branch and no memory index depends on an element or on a scalar digit (table
// entries are read by scanning the whole table with masks; selections are masks). Loops run over
// public counts (batch size, fixed exponent chains). The batch functions return 0 when a shared
// inversion met a zero product (an invalid point, or an exceptional addition): the caller then
// recomputes that batch on the JavaScript path.
import { writeFileSync } from 'node:fs';

const NL = 9;
const BITS = 29;
const MASK = (1n << 29n) - 1n;
const EL = 4 * NL; // bytes per element
const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const R = 1n << 261n;
const MAX = 1024; // largest batch
const mod = (x) => ((x % P) + P) % P;

// ---------------------------------------------------------------- binary encoding helpers
function uleb(n) {
  const out = [];
  n = BigInt(n);
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) b |= 0x80;
    out.push(b);
  } while (n !== 0n);
  return out;
}
function sleb(n) {
  const out = [];
  n = BigInt(n);
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const str = (s) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => [id, ...uleb(body.length), ...body];

// ---------------------------------------------------------------- functions and expressions
const I32 = 0x7f;
const I64 = 0x7e;
const funcs = [];
const byName = new Map();
let cur;

function fn(name, params, result, build, exported = false) {
  const f = { name, params, result, exported, locals: [], idx: new Map(), body: null };
  params.forEach(([n, t], i) => f.idx.set(n, { i, t }));
  byName.set(name, funcs.length);
  funcs.push(f);
  f.build = build;
  return f;
}
function local(name, t = I64) {
  if (cur.idx.has(name)) return;
  cur.idx.set(name, { i: cur.params.length + cur.locals.length, t });
  cur.locals.push(t);
}
const ix = (n) => {
  const e = cur.idx.get(n);
  if (!e) throw new Error(`${cur.name}: unknown local ${n}`);
  return e.i;
};
const get = (n) => [0x20, ...uleb(ix(n))];
const set = (n, e) => [e, 0x21, ...uleb(ix(n))];
const c64 = (v) => [0x42, ...sleb(v)];
const c32 = (v) => [0x41, ...sleb(v)];
const op = (code) => (a, b) => [a, b, code];
const add64 = op(0x7c),
  sub64 = op(0x7d),
  mul64 = op(0x7e),
  and64 = op(0x83),
  or64 = op(0x84),
  shl64 = op(0x86),
  shr64 = op(0x87);
const add32 = op(0x6a),
  sub32 = op(0x6b),
  mul32 = op(0x6c),
  and32 = op(0x71),
  or32 = op(0x72),
  xor32 = op(0x73),
  shrU32 = op(0x76),
  shr32 = op(0x75),
  geU32 = op(0x4f);
const eqz64 = (a) => [a, 0x50];
const wrap = (a) => [a, 0xa7];
const ext32 = (a) => [a, 0xac];
const ld64 = (addr, off) => [addr, 0x34, 2, ...uleb(off)]; // i64.load32_s
const ld32 = (addr, off) => [addr, 0x28, 2, ...uleb(off)];
const ld8 = (addr, off) => [addr, 0x2d, 0, ...uleb(off)];
const st64 = (addr, off, v) => [addr, v, 0x3e, 2, ...uleb(off)]; // i64.store32
const st32 = (addr, off, v) => [addr, v, 0x36, 2, ...uleb(off)];
const st8 = (addr, off, v) => [addr, v, 0x3a, 0, ...uleb(off)];
const call = (name, ...args) => [...args, { call: name }];
const drop = (e) => [e, 0x1a];
const ret = (e) => [e, 0x0f];
const sum = (terms, add) => terms.reduce((acc, t) => (acc ? add(acc, t) : t), null);
let loopDepth = 0;
/** for (v = from; v < to; v++) body — `to` an expression evaluated every round. */
function forUp(v, from, to, body) {
  local(v, I32);
  loopDepth++;
  const b = body();
  loopDepth--;
  return [
    set(v, from),
    [0x02, 0x40, 0x03, 0x40],
    [geU32(get(v), to), 0x0d, 1],
    b,
    set(v, add32(get(v), c32(1))),
    [0x0c, 0, 0x0b, 0x0b],
  ];
}
/** for (v = from − 1; v >= 0; v--) body (from > 0 checked by the caller). */
function forDown(v, from, body) {
  local(v, I32);
  const b = body();
  return [
    set(v, from),
    [0x02, 0x40, 0x03, 0x40],
    [[get(v), 0x45], 0x0d, 1], // v == 0: done
    set(v, sub32(get(v), c32(1))),
    b,
    [0x0c, 0, 0x0b, 0x0b],
  ];
}

// ---------------------------------------------------------------- memory layout
let top = 64;
const alloc = (bytes, align = 64) => {
  const a = top;
  top = Math.ceil((top + bytes) / align) * align;
  return a;
};
const limbs = (x) => Array.from({ length: NL }, (_, i) => Number((x >> BigInt(BITS * i)) & MASK));
const consts = [];
const constant = (x) => {
  const a = alloc(EL, 4);
  consts.push([a, limbs(x)]);
  return a;
};
const mont = (x) => mod(mod(x) * R);
const C = {
  ONE: constant(mont(1n)),
  ONE_PLAIN: constant(1n),
  PL: constant(P),
  R2: constant((R * R) % P),
  C256: constant(((1n << 256n) * R * R) % P),
  A: constant(mont(-3n)),
  B: constant(mont(0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n)),
  Z: constant(mont(-9n)),
  C2: constant(mont(3n)),
};
top = Math.ceil(top / 64) * 64;
const tmp = {};
for (const n of [
  'x2',
  'x3',
  'x6',
  'x12',
  'x24',
  'x31',
  'x32',
  'x62',
  'x64',
  'x128',
  'ta',
  'tc',
  'tb',
  'acc',
  'iv',
  't',
  'l',
  'nx',
  'tv1',
  'tv2',
  'tv3',
  'tv4',
  'tv5',
  'tv6',
  'ng',
  'xn',
  'yy',
  'y1',
  'y2',
  'v2',
  'w',
  'xy',
  'u',
  'u2',
  'hi',
  'rhs',
  'io1',
  'io2',
  'io3',
])
  tmp[n] = alloc(EL, 4);
const DIG = alloc(64 * 4);
const arr = {};
for (const n of ['ax', 'ay', 'sx', 'sy', 'dx', 'dy', 'bx', 'by']) arr[n] = alloc(MAX * EL);
arr.den = alloc(2 * MAX * EL);
arr.pre = alloc((2 * MAX + 1) * EL);
const TAB = alloc(MAX * 16 * 2 * EL);
const IN = alloc(MAX * 128); // per item: two 64-byte big-endian values (hash) or one 32-byte x
const OUT = alloc(MAX * 32);
const STATUS = alloc(MAX);
const PAGES = Math.ceil(top / 65536);

const K = (a) => c32(a);
const elt = (base, i) => add32(c32(base), mul32(i, c32(EL)));

// ---------------------------------------------------------------- field kernels
const PLIMBS = limbs(P);
/** carry limbs l0..l8 (names) serially: limbs 0–7 into [0, 2^29), the top one signed. */
function carry(l) {
  const out = [];
  local('c');
  for (let i = 0; i < NL - 1; i++) {
    out.push(set('c', shr64(get(l[i]), c64(BITS))));
    out.push(set(l[i], and64(get(l[i]), c64(MASK))));
    out.push(set(l[i + 1], add64(get(l[i + 1]), get('c'))));
  }
  return out;
}
/**
 * Fold the bits above 2^256 of the top limb (2^256 ≡ 2^224 + 2^96 − 2^64 + 1), then one serial
 * carry: for sums of a few small multiples of loosely reduced elements (limbs below 2^33) the
 * carry out of limb 7 is below 2^6, so the top limb ends in (−2^6, 2^24 + 2^6): |value| < 2^257.
 */
function norm(l) {
  local('h');
  return [
    set('h', shr64(get(l[8]), c64(24))),
    set(l[8], sub64(get(l[8]), shl64(get('h'), c64(24)))),
    set(l[0], add64(get(l[0]), get('h'))),
    set(l[2], sub64(get(l[2]), shl64(get('h'), c64(6)))),
    set(l[3], add64(get(l[3]), shl64(get('h'), c64(9)))),
    set(l[7], add64(get(l[7]), shl64(get('h'), c64(21)))),
    carry(l),
  ];
}
const names = (p) => Array.from({ length: NL }, (_, i) => `${p}${i}`);
const loadEl = (p, ptr) => names(p).map((n, i) => (local(n), set(n, ld64(get(ptr), 4 * i))));
const storeEl = (ptr, l) => l.map((n, i) => st64(get(ptr), 4 * i, get(n)));

/** Montgomery reduction of t0..t16 (locals) into o. */
/** Montgomery reduction of t0..t16 (locals) into o. */
function montReduce() {
  const t = (i) => `t${i}`;
  local('t17');
  local('m');
  const out = [set('t17', c64(0))];
  const addTo = (j, e) => out.push(set(t(j), add64(get(t(j)), e)));
  const subFrom = (j, e) => out.push(set(t(j), sub64(get(t(j)), e)));
  for (let i = 0; i < NL; i++) {
    out.push(set('m', and64(get(t(i)), c64(MASK))));
    addTo(i + 1, shr64(get(t(i)), c64(BITS)));
    addTo(i + 2, shl64(get('m'), c64(6)));
    subFrom(i + 3, shl64(get('m'), c64(9)));
    subFrom(i + 7, shl64(get('m'), c64(21)));
    addTo(i + 8, shl64(get('m'), c64(24)));
  }
  const res = Array.from({ length: NL }, (_, i) => t(i + NL));
  out.push(carry(res));
  out.push(storeEl('o', res));
  return out;
}

fn(
  'mul',
  [
    ['o', I32],
    ['a', I32],
    ['b', I32],
  ],
  null,
  () => {
    const A = loadEl('a', 'a');
    const B = loadEl('b', 'b');
    const body = [A, B];
    for (let k = 0; k < 2 * NL - 1; k++) {
      local(`t${k}`);
      const terms = [];
      for (let i = 0; i < NL; i++) {
        const j = k - i;
        if (j >= 0 && j < NL) terms.push(mul64(get(`a${i}`), get(`b${j}`)));
      }
      body.push(set(`t${k}`, sum(terms, add64)));
    }
    return [body, montReduce()];
  },
  true,
);

fn(
  'sqr',
  [
    ['o', I32],
    ['a', I32],
  ],
  null,
  () => {
    const body = [loadEl('a', 'a')];
    for (let k = 0; k < 2 * NL - 1; k++) {
      local(`t${k}`);
      const cross = [];
      for (let i = 0; i < NL; i++) {
        const j = k - i;
        if (j > i && j < NL) cross.push(mul64(get(`a${i}`), get(`a${j}`)));
      }
      const terms = [];
      if (cross.length) terms.push(shl64(sum(cross, add64), c64(1)));
      if (k % 2 === 0) terms.push(mul64(get(`a${k / 2}`), get(`a${k / 2}`)));
      body.push(set(`t${k}`, sum(terms, add64)));
    }
    return [body, montReduce()];
  },
  true,
);

/** o = ka·a + kb·b (small signed ka, kb), normalized. */
fn(
  'lin',
  [
    ['o', I32],
    ['a', I32],
    ['ka', I64],
    ['b', I32],
    ['kb', I64],
  ],
  null,
  () => {
    const l = names('r');
    const body = l.map((n, i) => {
      local(n);
      return set(
        n,
        add64(mul64(ld64(get('a'), 4 * i), get('ka')), mul64(ld64(get('b'), 4 * i), get('kb'))),
      );
    });
    return [body, norm(l), storeEl('o', l)];
  },
  true,
);

/**
 * o = ka·a + kb·b limb by limb, no carry (|ka|, |kb| ≤ 2): only as a factor of the next product
 * whose other factor is normalized (limbs below 2^30 in absolute value keep a column below
 * 9·2^59 < 2^63), or as an input of `lin` (which carries).
 */
fn(
  'lazy',
  [
    ['o', I32],
    ['a', I32],
    ['ka', I32],
    ['b', I32],
    ['kb', I32],
  ],
  null,
  () =>
    Array.from({ length: NL }, (_, i) =>
      st32(
        get('o'),
        4 * i,
        add32(mul32(ld32(get('a'), 4 * i), get('ka')), mul32(ld32(get('b'), 4 * i), get('kb'))),
      ),
    ),
);
const lazy = (o, a, ka, b, kb) => call('lazy', o, a, c32(ka), b, c32(kb));

const mul = (o, a, b) => call('mul', o, a, b);
const sqr = (o, a) => call('sqr', o, a);
const lin = (o, a, ka, b, kb) => call('lin', o, a, c64(ka), b, c64(kb));
const add = (o, a, b) => lin(o, a, 1, b, 1);
const sub = (o, a, b) => lin(o, a, 1, b, -1);

/** o = a (9 i32 words). */
fn(
  'copy',
  [
    ['o', I32],
    ['a', I32],
  ],
  null,
  () => Array.from({ length: NL }, (_, i) => st32(get('o'), 4 * i, ld32(get('a'), 4 * i))),
);
const copy = (o, a) => call('copy', o, a);

/** o = s ? b : a (s ∈ {0, 1}) by masks. */
fn(
  'select',
  [
    ['o', I32],
    ['a', I32],
    ['b', I32],
    ['s', I32],
  ],
  null,
  () => {
    local('mk', I32);
    return [
      set('mk', sub32(c32(0), get('s'))),
      Array.from({ length: NL }, (_, i) => {
        const av = ld32(get('a'), 4 * i);
        return st32(
          get('o'),
          4 * i,
          xor32(av, and32(get('mk'), xor32(ld32(get('a'), 4 * i), ld32(get('b'), 4 * i)))),
        );
      }),
    ];
  },
  true,
);

/** o = (s ? −a : a), s ∈ {0, 1}. */
fn(
  'condNeg',
  [
    ['o', I32],
    ['a', I32],
    ['s', I32],
  ],
  null,
  () => {
    local('f');
    const l = names('r');
    return [
      set('f', sub64(c64(1), shl64(ext32(get('s')), c64(1)))),
      l.map((n, i) => (local(n), set(n, mul64(ld64(get('a'), 4 * i), get('f'))))),
      norm(l),
      storeEl('o', l),
    ];
  },
  true,
);

/** o = the canonical plain value of a in [0, p) (limbs), branch-free. */
fn(
  'canonical',
  [
    ['o', I32],
    ['a', I32],
  ],
  null,
  () => {
    const l = names('r');
    const d = names('d');
    local('mk');
    return [
      mul(get('o'), get('a'), K(C.ONE_PLAIN)), // a·R⁻¹: an integer in [0, p] (see the header)
      loadEl('r', 'o'),
      d.map((n, i) => (local(n), set(n, sub64(get(l[i]), c64(PLIMBS[i]))))),
      carry(d),
      set('mk', shr64(get(d[8]), c64(63))), // −1 when o − p < 0: keep o
      l.map((n, i) =>
        st64(
          get('o'),
          4 * i,
          or64(and64(get(n), get('mk')), and64(get(d[i]), [get('mk'), c64(-1), 0x85])),
        ),
      ),
    ];
  },
  true,
);

/** 1 when a ≡ 0 (mod p). */
fn(
  'isZero',
  [['a', I32]],
  I32,
  () => {
    const o = K(tmp.tb);
    return [
      call('canonical', o, get('a')),
      [
        eqz64(
          sum(
            Array.from({ length: NL }, (_, i) => ld64(o, 4 * i)),
            or64,
          ),
        ),
        0x0f,
      ],
    ];
  },
  true,
);
const isZero = (a) => call('isZero', a);
fn(
  'equal',
  [
    ['a', I32],
    ['b', I32],
  ],
  I32,
  () => [sub(K(tmp.tc), get('a'), get('b')), ret(isZero(K(tmp.tc)))],
);
const equal = (a, b) => call('equal', a, b);
fn('isOdd', [['a', I32]], I32, () => [
  call('canonical', K(tmp.tb), get('a')),
  ret(and32(ld32(K(tmp.tb), 0), c32(1))),
]);

/** Big-endian 32 bytes at p → plain limbs at o (no reduction). */
fn(
  'loadBE',
  [
    ['o', I32],
    ['p', I32],
  ],
  null,
  () => {
    const out = [];
    for (let i = 0; i < NL; i++) {
      const terms = [];
      for (let q = 0; q < 32; q++) {
        const lo = 8 * q;
        if (lo + 8 <= BITS * i || lo >= BITS * (i + 1)) continue;
        const sh = lo - BITS * i;
        const byte = [ld8(get('p'), 31 - q), 0xad]; // i64.extend_i32_u
        terms.push(sh >= 0 ? shl64(byte, c64(sh)) : [byte, c64(-sh), 0x88]);
      }
      out.push(st64(get('o'), 4 * i, and64(sum(terms, or64), c64(MASK))));
    }
    return out;
  },
);

/** Canonical value of a → 32 big-endian bytes at p. */
fn(
  'storeBE',
  [
    ['p', I32],
    ['a', I32],
  ],
  null,
  () => {
    const o = K(tmp.tb);
    const out = [call('canonical', o, get('a'))];
    for (let q = 0; q < 32; q++) {
      const bit = 8 * q;
      const i = Math.floor(bit / BITS);
      const sh = bit % BITS;
      let v = shrU32(ld32(o, 4 * i), c32(sh));
      if (sh > BITS - 8 && i + 1 < NL) v = or32(v, [ld32(o, 4 * (i + 1)), c32(BITS - sh), 0x74]);
      out.push(st8(get('p'), 31 - q, v));
    }
    return out;
  },
);

/** o = Montgomery form of the 32 big-endian bytes at p; returns 1 when the value is < p. */
fn(
  'fromBytes',
  [
    ['o', I32],
    ['p', I32],
  ],
  I32,
  () => {
    const d = names('d');
    return [
      call('loadBE', K(tmp.tb), get('p')),
      d.map((n, i) => (local(n), set(n, sub64(ld64(K(tmp.tb), 4 * i), c64(PLIMBS[i]))))),
      carry(d),
      mul(get('o'), K(tmp.tb), K(C.R2)),
      ret(wrap([get(d[8]), c64(63), 0x88])), // 1 when value − p < 0
    ];
  },
  true,
);

fn(
  'toBytes',
  [
    ['p', I32],
    ['a', I32],
  ],
  null,
  () => [call('storeBE', get('p'), get('a'))],
  true,
);

/** o = Montgomery form of the 64 big-endian bytes at p, reduced mod p (hash_to_field). */
fn(
  'fromWide',
  [
    ['o', I32],
    ['p', I32],
  ],
  null,
  () => [
    call('loadBE', K(tmp.hi), get('p')),
    mul(K(tmp.hi), K(tmp.hi), K(C.C256)),
    call('loadBE', K(tmp.u2), add32(get('p'), c32(32))),
    mul(get('o'), K(tmp.u2), K(C.R2)),
    add(get('o'), get('o'), K(tmp.hi)),
  ],
);

fn(
  'sqrN',
  [
    ['o', I32],
    ['a', I32],
    ['n', I32],
  ],
  null,
  () => [sqr(get('o'), get('a')), forUp('i', c32(1), get('n'), () => sqr(get('o'), get('o')))],
);
const sqrN = (o, a, n) => call('sqrN', o, a, c32(n));

/** x31, x62, x128 = a^(2^31−1), a^(2^62−1), a^(2^128−1) (the shared prefix of the chains). */
fn('powers', [['a', I32]], null, () => {
  const T = (n) => K(tmp[n]);
  const a = get('a');
  return [
    sqr(T('x2'), a),
    mul(T('x2'), T('x2'), a),
    sqr(T('x3'), T('x2')),
    mul(T('x3'), T('x3'), a),
    sqrN(T('x6'), T('x3'), 3),
    mul(T('x6'), T('x6'), T('x3')),
    sqrN(T('x12'), T('x6'), 6),
    mul(T('x12'), T('x12'), T('x6')),
    sqrN(T('x24'), T('x12'), 12),
    mul(T('x24'), T('x24'), T('x12')),
    sqrN(T('x31'), T('x24'), 6),
    mul(T('x31'), T('x31'), T('x6')),
    sqrN(T('x31'), T('x31'), 1),
    mul(T('x31'), T('x31'), a),
    sqr(T('x32'), T('x31')),
    mul(T('x32'), T('x32'), a),
    sqrN(T('x62'), T('x31'), 31),
    mul(T('x62'), T('x62'), T('x31')),
    sqrN(T('x64'), T('x32'), 32),
    mul(T('x64'), T('x64'), T('x32')),
    sqrN(T('x128'), T('x64'), 64),
    mul(T('x128'), T('x128'), T('x64')),
  ];
});
const T = (n) => K(tmp[n]);

/** o = a^(p−2) = a⁻¹ (0 ↦ 0), fixed chain. */
fn(
  'inv',
  [
    ['o', I32],
    ['a', I32],
  ],
  null,
  () => [
    copy(T('ta'), get('a')),
    call('powers', T('ta')),
    sqrN(get('o'), T('x31'), 1),
    sqrN(get('o'), get('o'), 128),
    mul(get('o'), get('o'), T('x128')),
    sqrN(get('o'), get('o'), 32),
    sqrN(get('o'), get('o'), 62),
    mul(get('o'), get('o'), T('x62')),
    sqrN(get('o'), get('o'), 2),
    mul(get('o'), get('o'), T('ta')),
  ],
  true,
);

/** o = a^((p+1)/4); returns 1 when o² ≡ a. */
fn(
  'sqrt',
  [
    ['o', I32],
    ['a', I32],
  ],
  I32,
  () => [
    copy(T('ta'), get('a')),
    call('powers', T('ta')),
    sqrN(get('o'), T('x31'), 1),
    sqrN(get('o'), get('o'), 128),
    mul(get('o'), get('o'), T('x128')),
    sqrN(get('o'), get('o'), 31),
    sqr(get('o'), get('o')),
    mul(get('o'), get('o'), T('ta')),
    sqrN(get('o'), get('o'), 62),
    sqr(T('tc'), get('o')),
    ret(equal(T('tc'), T('ta'))),
  ],
  true,
);

/** o = a^((p−3)/4) (sqrt_ratio of the SSWU map). */
fn(
  'powC1',
  [
    ['o', I32],
    ['a', I32],
  ],
  null,
  () => [
    call('powers', get('a')),
    sqrN(get('o'), T('x31'), 1),
    sqrN(get('o'), get('o'), 128),
    mul(get('o'), get('o'), T('x128')),
    sqrN(get('o'), get('o'), 32),
    sqrN(get('o'), get('o'), 62),
    mul(get('o'), get('o'), T('x62')),
  ],
);

// ---------------------------------------------------------------- batch kernels
/** den[i] ← den[i]⁻¹ for i < m with one inversion (Montgomery's trick); 0 when one is ≡ 0. */
fn('batchInv', [['m', I32]], I32, () => {
  local('ok', I32);
  local('p', I32);
  local('q', I32);
  local('r', I32);
  const den = (i) => elt(arr.den, i);
  const pre = (i) => elt(arr.pre, i);
  // pre[i] = den[0]·…·den[i − 1]; then, from the top, den[j]⁻¹ = pre[j]·(den[0]·…·den[j])⁻¹
  return [
    copy(pre(c32(0)), K(C.ONE)),
    forUp('i', c32(0), get('m'), () =>
      mul(pre(add32(get('i'), c32(1))), pre(get('i')), den(get('i'))),
    ),
    set('ok', sub32(c32(1), isZero(pre(get('m'))))),
    set('p', T('iv')),
    set('q', T('t')),
    call('inv', get('p'), pre(get('m'))),
    forDown('j', get('m'), () => [
      mul(get('q'), get('p'), den(get('j'))), // (den[0]·…·den[j − 1])⁻¹
      mul(den(get('j')), get('p'), pre(get('j'))),
      set('r', get('p')),
      set('p', get('q')),
      set('q', get('r')),
    ]),
    ret(get('ok')),
  ];
});

/** (X, Y)[i] ← 2·(X, Y)[i], affine, λ = 3μ, μ = (x² − 1)/2y; 0 when a y is 0. */
fn(
  'dblAll',
  [
    ['X', I32],
    ['Y', I32],
    ['m', I32],
  ],
  I32,
  () => {
    local('ok', I32);
    local('x', I32);
    local('y', I32);
    local('d', I32);
    const at = (b) => add32(get(b), mul32(get('i'), c32(EL)));
    return [
      forUp('i', c32(0), get('m'), () => lazy(elt(arr.den, get('i')), at('Y'), 2, at('Y'), 0)),
      set('ok', call('batchInv', get('m'))),
      forUp('i', c32(0), get('m'), () => [
        set('x', at('X')),
        set('y', at('Y')),
        set('d', elt(arr.den, get('i'))),
        sqr(T('l'), get('x')),
        lazy(T('l'), T('l'), 1, K(C.ONE), -1),
        mul(T('l'), T('l'), get('d')), // μ
        sqr(T('t'), T('l')),
        lin(T('nx'), T('t'), 9, get('x'), -2), // x3 = 9μ² − 2x
        lazy(T('t'), get('x'), 1, T('nx'), -1),
        mul(T('t'), T('l'), T('t')),
        lin(get('y'), T('t'), 3, get('y'), -1), // y3 = 3μ(x − x3) − y
        copy(get('x'), T('nx')),
      ]),
      ret(get('ok')),
    ];
  },
);

/** (X, Y)[i] ← (X, Y)[i] + (X2, Y2)[i], affine; 0 when some x equals its partner's. */
fn(
  'addAll',
  [
    ['X', I32],
    ['Y', I32],
    ['X2', I32],
    ['Y2', I32],
    ['m', I32],
  ],
  I32,
  () => {
    local('ok', I32);
    local('x', I32);
    local('y', I32);
    const at = (b) => add32(get(b), mul32(get('i'), c32(EL)));
    return [
      forUp('i', c32(0), get('m'), () => lazy(elt(arr.den, get('i')), at('X2'), 1, at('X'), -1)),
      set('ok', call('batchInv', get('m'))),
      forUp('i', c32(0), get('m'), () => [
        set('x', at('X')),
        set('y', at('Y')),
        lazy(T('t'), at('Y2'), 1, get('y'), -1),
        mul(T('l'), T('t'), elt(arr.den, get('i'))), // λ
        sqr(T('t'), T('l')),
        lazy(T('t'), T('t'), 1, get('x'), -1),
        lin(T('nx'), T('t'), 1, at('X2'), -1), // x3 = λ² − x − x2
        lazy(T('t'), get('x'), 1, T('nx'), -1),
        mul(T('t'), T('l'), T('t')),
        sub(get('y'), T('t'), get('y')), // y3 = λ(x − x3) − y
        copy(get('x'), T('nx')),
      ]),
      ret(get('ok')),
    ];
  },
);

/** (ox, oy) = sign(d)·table_i[|d|] for an odd digit d: all 16 entries read with masks. */
fn(
  'lookup',
  [
    ['i', I32],
    ['d', I32],
    ['ox', I32],
    ['oy', I32],
  ],
  null,
  () => {
    local('s', I32);
    local('idx', I32);
    local('mk', I32);
    local('e', I32);
    // an entry is 72 bytes (x then y): read as 9 i64 words, masked, or-ed
    local('mk64');
    const acc = Array.from({ length: 9 }, (_, q) => `v${q}`);
    acc.forEach((n) => local(n));
    const ld = (addr, off) => [addr, 0x29, 3, ...uleb(off)]; // i64.load
    const st = (addr, off, v) => [addr, v, 0x37, 2, ...uleb(off)]; // i64.store
    return [
      set('s', shrU32(get('d'), c32(31))),
      set(
        'idx',
        shr32(sub32(add32(xor32(get('d'), sub32(c32(0), get('s'))), get('s')), c32(1)), c32(1)),
      ),
      acc.map((n) => set(n, c64(0))),
      set('e', add32(c32(TAB), mul32(get('i'), c32(16 * 2 * EL)))),
      forUp('j', c32(0), c32(16), () => [
        set('mk', sub32(c32(0), shrU32(sub32(xor32(get('j'), get('idx')), c32(1)), c32(31)))),
        set('mk64', ext32(get('mk'))),
        acc.map((n, q) => set(n, or64(get(n), and64(get('mk64'), ld(get('e'), 8 * q))))),
        set('e', add32(get('e'), c32(2 * EL))),
      ]),
      acc.slice(0, 4).map((n, q) => st(get('ox'), 8 * q, get(n))),
      st64(get('ox'), 32, get('v4')),
      st64(get('oy'), 0, [get('v4'), c64(32), 0x88]),
      acc.slice(5).map((n, q) => st(get('oy'), 4 + 8 * q, get(n))),
      call('condNeg', get('oy'), get('oy'), get('s')),
    ];
  },
);

/**
 * x([k]P_i) as 32 big-endian bytes at OUT + 32i for the m affine points (ax, ay)[i], with the
 * 52 signed odd window-5 digits of the (odd) scalar at DIG. Returns 0 when a step met a zero
 * divisor (the caller recomputes the batch on the JavaScript path).
 */
fn(
  'mulManyX',
  [['m', I32]],
  I32,
  () => {
    local('ok', I32);
    const A = (n, i) => elt(arr[n], i);
    const dig = (w) => ld32(c32(0), DIG + 4 * w);
    const okAnd = (e) => set('ok', and32(get('ok'), e));
    return [
      set('ok', c32(1)),
      forUp('i', c32(0), get('m'), () => [
        copy(A('dx', get('i')), A('ax', get('i'))),
        copy(A('dy', get('i')), A('ay', get('i'))),
      ]),
      okAnd(call('dblAll', K(arr.dx), K(arr.dy), get('m'))),
      forUp('j', c32(0), c32(16), () => [
        // T_j = T_{j−1} + 2P by batched affine additions (j > 0)
        [
          get('j'),
          0x04,
          0x40,
          okAnd(call('addAll', K(arr.ax), K(arr.ay), K(arr.dx), K(arr.dy), get('m'))),
          0x0b,
        ],
        forUp('i', c32(0), get('m'), () => {
          local('b', I32);
          return [
            set(
              'b',
              add32(c32(TAB), mul32(add32(mul32(get('i'), c32(16)), get('j')), c32(2 * EL))),
            ),
            copy(get('b'), A('ax', get('i'))),
            copy(add32(get('b'), c32(EL)), A('ay', get('i'))),
          ];
        }),
      ]),
      forUp('i', c32(0), get('m'), () =>
        call('lookup', get('i'), dig(51), A('ax', get('i')), A('ay', get('i'))),
      ),
      forDown('w', c32(51), () => [
        forUp('r', c32(0), c32(5), () => okAnd(call('dblAll', K(arr.ax), K(arr.ay), get('m')))),
        forUp('i', c32(0), get('m'), () =>
          call(
            'lookup',
            get('i'),
            ld32(add32(c32(DIG), shl32(get('w'))), 0),
            A('sx', get('i')),
            A('sy', get('i')),
          ),
        ),
        okAnd(call('addAll', K(arr.ax), K(arr.ay), K(arr.sx), K(arr.sy), get('m'))),
      ]),
      forUp('i', c32(0), get('m'), () =>
        call('storeBE', add32(c32(OUT), mul32(get('i'), c32(32))), A('ax', get('i'))),
      ),
      ret(get('ok')),
    ];
  },
  true,
);
function shl32(e) {
  return [e, c32(2), 0x74];
}

/**
 * The simplified SWU map (RFC 9380 §6.6.2 with sqrt_ratio for q ≡ 3 mod 4, F.2.1.2) of u →
 * (xn, xd, y) with x = xn/xd: the same straight-line steps as ../src/sm2/_h2c.ts.
 */
fn(
  'sswu',
  [
    ['u', I32],
    ['xn', I32],
    ['xd', I32],
    ['y', I32],
  ],
  null,
  () => {
    local('qr', I32);
    local('e1', I32);
    const u = get('u');
    return [
      sqr(T('tv1'), u),
      mul(T('tv1'), K(C.Z), T('tv1')),
      sqr(T('tv2'), T('tv1')),
      add(T('tv2'), T('tv2'), T('tv1')),
      add(T('tv3'), T('tv2'), K(C.ONE)),
      mul(T('tv3'), K(C.B), T('tv3')),
      lin(T('ng'), T('tv2'), -1, T('tv2'), 0),
      call('select', T('tv4'), K(C.Z), T('ng'), sub32(c32(1), isZero(T('tv2')))),
      mul(T('tv4'), K(C.A), T('tv4')),
      sqr(T('tv2'), T('tv3')),
      sqr(T('tv6'), T('tv4')),
      mul(T('tv5'), K(C.A), T('tv6')),
      add(T('tv2'), T('tv2'), T('tv5')),
      mul(T('tv2'), T('tv2'), T('tv3')),
      mul(T('tv6'), T('tv6'), T('tv4')),
      mul(T('tv5'), K(C.B), T('tv6')),
      add(T('tv2'), T('tv2'), T('tv5')),
      mul(T('xn'), T('tv1'), T('tv3')),
      sqr(T('v2'), T('tv6')),
      mul(T('w'), T('tv2'), T('tv6')),
      mul(T('v2'), T('v2'), T('w')),
      call('powC1', T('y1'), T('v2')),
      mul(T('y1'), T('y1'), T('w')),
      mul(T('y2'), T('y1'), K(C.C2)),
      sqr(T('xy'), T('y1')),
      mul(T('xy'), T('xy'), T('tv6')),
      set('qr', equal(T('xy'), T('tv2'))),
      call('select', T('y1'), T('y2'), T('y1'), get('qr')),
      mul(T('yy'), T('tv1'), u),
      mul(T('yy'), T('yy'), T('y1')),
      call('select', get('xn'), T('xn'), T('tv3'), get('qr')),
      call('select', T('yy'), T('yy'), T('y1'), get('qr')),
      set('e1', sub32(c32(1), xor32(call('isOdd', u), call('isOdd', T('yy'))))),
      call('condNeg', get('y'), T('yy'), sub32(c32(1), get('e1'))),
      copy(get('xd'), T('tv4')),
    ];
  },
  true,
);

/**
 * hash_to_curve for m items whose expanded messages (two 64-byte big-endian values each, 48
 * bytes zero-padded) are at IN + 128i: map both, add (affine, shared inversions), and leave the
 * points in (ax, ay). Returns 0 when a shared inversion met zero (the two map outputs of an
 * item are equal or opposite): the caller then uses the JavaScript path.
 */
fn(
  'hashMany',
  [['m', I32]],
  I32,
  () => {
    local('ok', I32);
    const A = (n, i) => elt(arr[n], i);
    const inAt = (off) => add32(c32(IN + off), mul32(get('i'), c32(128)));
    return [
      forUp('i', c32(0), get('m'), () => [
        call('fromWide', T('u'), inAt(0)),
        call('sswu', T('u'), A('ax', get('i')), A('den', get('i')), A('ay', get('i'))),
        call('fromWide', T('u'), inAt(64)),
        call(
          'sswu',
          T('u'),
          A('bx', get('i')),
          A('den', add32(get('i'), get('m'))),
          A('by', get('i')),
        ),
      ]),
      set('ok', call('batchInv', shl1(get('m')))),
      forUp('i', c32(0), get('m'), () => [
        mul(A('ax', get('i')), A('ax', get('i')), A('den', get('i'))),
        mul(A('bx', get('i')), A('bx', get('i')), A('den', add32(get('i'), get('m')))),
      ]),
      set(
        'ok',
        and32(get('ok'), call('addAll', K(arr.ax), K(arr.ay), K(arr.bx), K(arr.by), get('m'))),
      ),
      ret(get('ok')),
    ];
  },
  true,
);
function shl1(e) {
  return [e, c32(1), 0x74];
}

/**
 * Decodes m x-only elements (32 bytes at IN + 32i) into affine points (x, y) in (ax, ay) for one
 * square root y; STATUS[i] = 0 (ok), 1 (x ≥ p) or 2 (x³ − 3x + b not a square).
 */
fn(
  'liftMany',
  [['m', I32]],
  null,
  () => {
    local('ok1', I32);
    local('ok2', I32);
    const A = (n, i) => elt(arr[n], i);
    return [
      forUp('i', c32(0), get('m'), () => [
        set('ok1', call('fromBytes', A('ax', get('i')), add32(c32(IN), mul32(get('i'), c32(32))))),
        sqr(T('rhs'), A('ax', get('i'))),
        mul(T('rhs'), T('rhs'), A('ax', get('i'))),
        lin(T('rhs'), T('rhs'), 1, A('ax', get('i')), -3),
        add(T('rhs'), T('rhs'), K(C.B)),
        set('ok2', call('sqrt', A('ay', get('i')), T('rhs'))),
        st8(
          add32(c32(STATUS), get('i')),
          0,
          add32(sub32(c32(1), get('ok1')), shl1(mul32(get('ok1'), sub32(c32(1), get('ok2'))))),
        ),
      ]),
    ];
  },
  true,
);

// ---------------------------------------------------------------- assemble the module
const typeKey = (f) => JSON.stringify([f.params.map((p) => p[1]), f.result]);
const types = [];
const typeIdx = new Map();
for (const f of funcs) {
  cur = f;
  f.body = f.build();
  const k = typeKey(f);
  if (!typeIdx.has(k)) {
    typeIdx.set(k, types.length);
    types.push([0x60, ...vec(f.params.map((p) => [p[1]])), ...(f.result ? [1, f.result] : [0])]);
  }
}
function flatten(x, out) {
  if (Array.isArray(x)) for (const y of x) flatten(y, out);
  else if (typeof x === 'number') out.push(x);
  else if (x && x.call) {
    const i = byName.get(x.call);
    if (i === undefined) throw new Error(`unknown function ${x.call}`);
    out.push(0x10, ...uleb(i));
  } else if (x !== null && x !== undefined) throw new Error(`bad token ${JSON.stringify(x)}`);
  return out;
}
const code = funcs.map((f) => {
  const runs = [];
  for (const t of f.locals) {
    if (runs.length && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
    else runs.push([1, t]);
  }
  const body = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...flatten(f.body, []), 0x0b];
  return [...uleb(body.length), ...body];
});
const exportsList = [
  [...str('memory'), 0x02, 0],
  ...funcs.map((f, i) => (f.exported ? [...str(f.name), 0x00, ...uleb(i)] : null)).filter(Boolean),
];
// data: the constants
const data = consts.map(([addr, ls]) => {
  const bytes = [];
  for (const v of ls) bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  return [0, 0x41, ...sleb(addr), 0x0b, ...uleb(bytes.length), ...bytes];
});
const bytes = Uint8Array.from([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...section(1, vec(types)),
  ...section(3, vec(funcs.map((f) => uleb(typeIdx.get(typeKey(f)))))),
  ...section(5, vec([[0x01, ...uleb(PAGES), ...uleb(PAGES)]])),
  ...section(7, vec(exportsList)),
  ...section(10, vec(code)),
  ...section(11, vec(data)),
]);

const b64 = Buffer.from(bytes).toString('base64');
const lines = [];
for (let i = 0; i < b64.length; i += 96) lines.push(`  '${b64.slice(i, i + 96)}'`);
const layout = {
  EL,
  MAX,
  DIG,
  TAB,
  IN,
  OUT,
  STATUS,
  ...Object.fromEntries(Object.entries(arr).map(([k, v]) => [k.toUpperCase(), v])),
  T0: tmp.io1,
  T1: tmp.io2,
  T2: tmp.io3,
};
const ts = `// Generated by scripts/gen-sm2-wasm.mjs — do not edit by hand.
/**
 * The SM2 field and PSI blinding kernel as WebAssembly bytes (${bytes.length} bytes, ${PAGES}
 * pages of memory), emitted opcode by opcode by scripts/gen-sm2-wasm.mjs: 9 × 29-bit limbs,
 * Montgomery form with R = 2^261, i64 products. See ./_wasm.ts for the loader and the layout.
 * @module
 */

/** The module's bytes, base64. */
export const SM2_WASM_BASE64 =
${lines.join(' +\n')};

/** Byte offsets in the module's memory (elements are ${EL} bytes: ${NL} little-endian i32 limbs). */
export const LAYOUT = ${JSON.stringify(layout)} as const;
`;
/** The module's bytes and memory layout (for the test that compares them with the committed ones). */
export { bytes, layout };

const target = new URL('../src/sm2/_field-wasm.ts', import.meta.url);
const { pathToFileURL } = await import('node:url');
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // formatted as the repository's prettier would (so the committed file is what this writes)
  const prettier = await import('prettier');
  const formatted = await prettier.format(ts, {
    ...(await prettier.resolveConfig(target.pathname)),
    filepath: target.pathname,
  });
  if (process.argv.includes('--check')) {
    const { readFileSync } = await import('node:fs');
    const same = readFileSync(target, 'utf8') === formatted;
    process.stdout.write(same ? 'same\n' : 'DIFFERENT\n');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(target, formatted);
    console.log(`wrote ${target.pathname}: ${bytes.length} bytes, ${PAGES} pages`);
  }
}
