/**
 * The zk module's circomlib primitives — Poseidon, Baby Jubjub and EdDSA-Poseidon — from the
 * package's own MIT code (_poseidon.ts, _babyjub.ts, _eddsa.ts), byte-identical to circomlibjs
 * (the tests' oracle, test/zk-babyjub.test.ts; not a runtime dependency). All synchronous; each
 * Poseidon width derives its constants on first use, Base8 builds its table on first use.
 * @module
 */
export { poseidon as poseidonHash } from './_poseidon.js';
export { BABYJUB_SUBORDER, inCurve, inSubgroup, type BabyJubPoint } from './_babyjub.js';
export { prv2pub, signPoseidon, verifyPoseidon, type EddsaPoseidonSignature } from './_eddsa.js';
