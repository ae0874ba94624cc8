// Synthetic agency lists shared by server.mjs and client.mjs: generated, checksum-valid ID numbers
// (GB 11643) drawn from a seeded generator so both processes agree on which people overlap.
// Nothing here is a real person.
import { generateIdCard } from 'bukejian/mask';

/** A deterministic byte source for the generator (examples only: never for keys or nonces). */
function seeded(seed) {
  let s = seed >>> 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = s >>> 24;
    }
    return out;
  };
}

/** `count` synthetic ID numbers; the same seed gives the same list. */
export function people(seed, count) {
  const random = seeded(seed);
  return Array.from({ length: count }, () => generateIdCard({ random }));
}

/**
 * Civil affairs: allowance recipients. Tax bureau: high earners. Every third recipient is also a
 * high earner (and the tax list writes the check character in lower case: canonicalization matches it).
 */
export function lists(n) {
  const recipients = people(1, n);
  const others = people(2, n);
  const highEarners = others.map((id, i) => (i % 3 === 0 ? recipients[i].toLowerCase() : id));
  return { recipients, highEarners, expected: Math.ceil(n / 3) };
}
