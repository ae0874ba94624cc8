// PSI wire format (strict decoder) and the compressed set encodings (GCS, Bloom).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeMessage, encodeMessage, HEADER_LENGTH, MAGIC } from '../src/psi/encoding.js';
import type { PsiMessage } from '../src/psi/encoding.js';
import { getGroup, GROUP_NAMES } from '../src/psi/groups/index.js';
import { decodeGcs, encodeGcs, hash53, riceParameter } from '../src/psi/gcs.js';
import { decodeBloom, encodeBloom } from '../src/psi/bloom.js';
import { BukejianError } from '../src/errors.js';
import { randomBytes } from '../src/utils.js';
import { toHex } from './helpers/vectors.js';

const enc = (s: string) => new TextEncoder().encode(s);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof BukejianError)) throw e;
    return e.code;
  }
  return undefined;
};

function elements(group: (typeof GROUP_NAMES)[number], n: number): Uint8Array {
  const g = getGroup(group);
  const k = g.withKey(g.randomKey());
  const L = g.elementLength;
  const out = new Uint8Array(n * L);
  for (let i = 0; i < n; i++) out.set(k.hashMultiply(enc(`item ${i}`)), i * L);
  return out;
}

function sample(group: (typeof GROUP_NAMES)[number] = 'x25519') {
  const session = randomBytes(16);
  const request: PsiMessage = {
    type: 'request',
    group,
    session,
    mode: 'intersection',
    count: 3,
    elements: elements(group, 3),
  };
  const gcs = encodeGcs(
    [1, 2, 3, 4].map((i) => hash53(sha256(enc(String(i))))),
    20,
  );
  const response: PsiMessage = {
    type: 'response',
    group,
    session,
    mode: 'cardinality',
    count: 3,
    elements: elements(group, 3),
    format: 'gcs',
    serverCount: 4,
    tagLength: 0,
    set: gcs,
  };
  const raw: PsiMessage = {
    ...response,
    format: 'raw',
    tagLength: 10,
    set: randomBytes(40),
  } as PsiMessage;
  const reveal: PsiMessage = {
    type: 'reveal',
    group,
    session,
    tagLength: 16,
    count: 2,
    tags: randomBytes(32),
  };
  return { request, response, raw, reveal };
}

describe('wire format', () => {
  it('round-trips every message type for every group', () => {
    for (const g of GROUP_NAMES) {
      for (const m of Object.values(sample(g))) {
        const bytes = encodeMessage(m);
        expect(toHex(bytes.subarray(0, 6))).toBe(toHex(MAGIC));
        const back = decodeMessage(bytes);
        expect(toHex(encodeMessage(back))).toBe(toHex(bytes));
        expect(back.type).toBe(m.type);
      }
    }
  });

  it('rejects wrong magic, version, type, group, mode, format', () => {
    const b = encodeMessage(sample().request);
    const with_ = (i: number, v: number) => {
      const c = b.slice();
      c[i] = v;
      return c;
    };
    expect(codeOf(() => decodeMessage(with_(0, 0x43)))).toBe('INVALID_ENCODING');
    expect(codeOf(() => decodeMessage(with_(6, 2)))).toBe('VERSION');
    expect(codeOf(() => decodeMessage(with_(7, 9)))).toBe('INVALID_ENCODING');
    expect(codeOf(() => decodeMessage(with_(8, 7)))).toBe('INVALID_ENCODING');
    expect(codeOf(() => decodeMessage(with_(HEADER_LENGTH, 4)))).toBe('INVALID_ENCODING');
    const r = encodeMessage(sample().response);
    const fmtAt = HEADER_LENGTH + 1 + 4 + 3 * 32;
    const c = r.slice();
    c[fmtAt] = 7;
    expect(codeOf(() => decodeMessage(c))).toBe('INVALID_ENCODING');
    expect(codeOf(() => decodeMessage(b, { expect: 'response' }))).toBe('INVALID_ENCODING');
  });

  it('rejects every truncation and any trailing byte', () => {
    for (const m of Object.values(sample())) {
      const b = encodeMessage(m);
      for (let n = 0; n < b.length; n++)
        expect(codeOf(() => decodeMessage(b.subarray(0, n)))).toMatch(
          /INVALID_ENCODING|INVALID_POINT/,
        );
      expect(codeOf(() => decodeMessage(new Uint8Array([...b, 0])))).toBe('INVALID_ENCODING');
    }
  });

  it('rejects count/size fields that disagree with the content', () => {
    const s = sample();
    const b = encodeMessage(s.request);
    const c = b.slice();
    c[HEADER_LENGTH + 4] = 4; // count 3 → 4
    expect(codeOf(() => decodeMessage(c))).toBe('INVALID_ENCODING');
    const d = b.slice();
    d[HEADER_LENGTH + 4] = 2; // count 3 → 2 leaves trailing bytes
    expect(codeOf(() => decodeMessage(d))).toBe('INVALID_ENCODING');
    // serverCount disagreeing with the GCS
    const r = encodeMessage(s.response);
    const at = HEADER_LENGTH + 1 + 4 + 3 * 32 + 1 + 3;
    const e = r.slice();
    e[at] = 5;
    expect(codeOf(() => decodeMessage(e))).toBe('INVALID_ENCODING');
    // raw set length ≠ serverCount × tagLength
    const raw = encodeMessage(s.raw);
    const f = raw.slice();
    f[at + 1] = 11;
    expect(codeOf(() => decodeMessage(f))).toBe('INVALID_ENCODING');
    expect(codeOf(() => encodeMessage({ ...s.request, count: 4 } as PsiMessage))).toBe(
      'INVALID_LENGTH',
    );
  });

  it('rejects the identity and elements not in the group', () => {
    for (const g of GROUP_NAMES) {
      const s = sample(g);
      const b = encodeMessage(s.request);
      const first = HEADER_LENGTH + 1 + 4;
      const zero = b.slice();
      zero.fill(0, first, first + 32);
      // ristretto255: the identity encoding; x25519: u = 0 (small order). The x-only P-256/SM2
      // groups have no encoding of the identity at all (x = 0 is an ordinary point there).
      if (g === 'ristretto255' || g === 'x25519')
        expect(codeOf(() => decodeMessage(zero))).toBe('INVALID_POINT');
      const ff = b.slice();
      ff.fill(0xff, first, first + 32);
      expect(codeOf(() => decodeMessage(ff))).toBe('INVALID_POINT');
      // validate: false leaves the check to the scalar multiplication, which throws the same code
      const m = decodeMessage(ff, { validate: false }) as Extract<PsiMessage, { type: 'request' }>;
      const gr = getGroup(g);
      expect(codeOf(() => gr.withKey(gr.randomKey()).multiply(m.elements.subarray(0, 32)))).toBe(
        'INVALID_POINT',
      );
    }
  });

  it('a flipped bit anywhere never decodes silently to the same message, and only throws BukejianError', () => {
    const msgs = Object.values(sample('ristretto255')).map(encodeMessage);
    fc.assert(
      fc.property(fc.nat(msgs.length - 1), fc.nat(), fc.nat(7), (k, pos, bit) => {
        const b = msgs[k]!.slice();
        const i = pos % b.length;
        b[i]! ^= 1 << bit;
        let back: PsiMessage | undefined;
        try {
          back = decodeMessage(b);
        } catch (e) {
          expect(e).toBeInstanceOf(BukejianError);
          expect(['INVALID_ENCODING', 'INVALID_POINT', 'VERSION']).toContain(
            (e as BukejianError).code,
          );
          return;
        }
        expect(toHex(encodeMessage(back))).not.toBe(toHex(msgs[k]!));
      }),
      { numRuns: 400 },
    );
  });
});

describe('Golomb-compressed set', () => {
  it('has every member; measured false-positive rate within tolerance of 2^-P', () => {
    const n = 20000;
    const P = 10; // fpr ≈ 1/1024
    const members = Array.from({ length: n }, (_, i) => hash53(sha256(enc(`m${i}`))));
    const set = decodeGcs(encodeGcs(members, P));
    expect(members.every((h) => set.has(h))).toBe(true);
    const q = 200000;
    let fp = 0;
    for (let i = 0; i < q; i++) if (set.has(hash53(sha256(enc(`q${i}`))))) fp++;
    const expected = q / 2 ** P; // ≈ 195
    expect(fp).toBeGreaterThan(expected * 0.7);
    expect(fp).toBeLessThan(expected * 1.3);
  });

  it('size ≈ P + 1.5 bits per member (1e-9 → < 4.2 bytes/item)', () => {
    const n = 50000;
    const P = riceParameter(1e-9);
    expect(P).toBe(30);
    const b = encodeGcs(
      Array.from({ length: n }, (_, i) => hash53(sha256(enc(`m${i}`)))),
      P,
    );
    expect(b.length / n).toBeLessThan(4.2);
    expect(b.length / n).toBeGreaterThan(3.8);
  });

  it('decoder rejects truncation, trailing bytes, bad padding and corrupt headers', () => {
    const b = encodeGcs(
      Array.from({ length: 100 }, (_, i) => hash53(sha256(enc(`m${i}`)))),
      12,
    );
    for (let n = 0; n < b.length; n++)
      expect(codeOf(() => decodeGcs(b.subarray(0, n)))).toBe('INVALID_ENCODING');
    expect(codeOf(() => decodeGcs(new Uint8Array([...b, 0])))).toBe('INVALID_ENCODING');
    const c = b.slice();
    c[0] = 60;
    expect(codeOf(() => decodeGcs(c))).toBe('INVALID_ENCODING');
    fc.assert(
      fc.property(fc.nat(b.length - 1), fc.nat(7), (i, bit) => {
        const d = b.slice();
        d[i]! ^= 1 << bit;
        try {
          const s = decodeGcs(d);
          // a flip that still parses must change the set
          const before = decodeGcs(b);
          const same = Array.from({ length: 100 }, (_, j) => hash53(sha256(enc(`m${j}`)))).every(
            (h) => s.has(h) === before.has(h),
          );
          expect(same && s.size === before.size && i >= 9).toBe(false);
        } catch (e) {
          expect(e).toBeInstanceOf(BukejianError);
          expect((e as BukejianError).code).toBe('INVALID_ENCODING');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('handles the empty set', () => {
    const s = decodeGcs(encodeGcs([], 20));
    expect(s.size).toBe(0);
    expect(s.has(12345)).toBe(false);
  });
});

describe('Bloom filter', () => {
  it('has every member; measured false-positive rate within tolerance', () => {
    const n = 20000;
    const fpr = 1e-3;
    const digests = Array.from({ length: n }, (_, i) => sha256(enc(`m${i}`)));
    const set = decodeBloom(encodeBloom(digests, fpr));
    expect(digests.every((d) => set.has(d))).toBe(true);
    const q = 200000;
    let fp = 0;
    for (let i = 0; i < q; i++) if (set.has(sha256(enc(`q${i}`)))) fp++;
    expect(fp).toBeGreaterThan(q * fpr * 0.6);
    expect(fp).toBeLessThan(q * fpr * 1.4);
  });

  it('tiny filters keep their rate (regression: probes cycling when m was composite)', () => {
    for (const n of [1, 2, 3, 5, 8]) {
      const set = decodeBloom(
        encodeBloom(
          Array.from({ length: n }, (_, i) => sha256(enc(`t${n}-${i}`))),
          1e-9,
        ),
      );
      let fp = 0;
      for (let i = 0; i < 5000; i++) if (set.has(sha256(enc(`q${n}-${i}`)))) fp++;
      expect(fp).toBe(0);
    }
  });

  it('≈ 1.44·log2(1/fpr) bits per member; decoder rejects bad lengths and padding', () => {
    const digests = Array.from({ length: 1000 }, (_, i) => sha256(enc(`m${i}`)));
    const b = encodeBloom(digests, 1e-9);
    expect(b.length / 1000).toBeGreaterThan(5.2);
    expect(b.length / 1000).toBeLessThan(5.6);
    expect(codeOf(() => decodeBloom(b.subarray(0, b.length - 1)))).toBe('INVALID_ENCODING');
    expect(codeOf(() => decodeBloom(new Uint8Array([...b, 0])))).toBe('INVALID_ENCODING');
    const c = b.slice();
    c[0] = 0;
    expect(codeOf(() => decodeBloom(c))).toBe('INVALID_ENCODING');
    const composite = b.slice();
    new DataView(composite.buffer).setUint32(5, new DataView(b.buffer).getUint32(5) + 1); // m + 1 is even
    expect(codeOf(() => decodeBloom(composite))).toBe('INVALID_ENCODING');
    const odd = encodeBloom(digests.slice(0, 3), 0.3);
    const m = new DataView(odd.buffer).getUint32(5);
    if (m & 7) {
      const d = odd.slice();
      d[d.length - 1]! |= 0x80;
      expect(codeOf(() => decodeBloom(d))).toBe('INVALID_ENCODING');
    }
  });
});
