/** placeholder until circuits/build.mjs runs */
export const PINNED = Object.freeze({ label: '', constraints: 0, wasm: '', zkey: '', vkey: '', r1cs: '' });
export const VKEY = Object.freeze({}) as unknown as Readonly<Record<string, unknown>>;
