export const RULES_PINNED = Object.freeze({
  label: 'x',
  constraints: 0,
  wasm: '',
  zkey: '',
  vkey: '',
  r1cs: '',
});
export const RULES_VKEY = Object.freeze({}) as unknown as Readonly<Record<string, unknown>>;
