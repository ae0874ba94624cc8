/**
 * bukejian (不可见): the light modules re-exported from one place. `bukejian/zk` is not
 * re-exported here because it loads snarkjs; import it from its own subpath.
 * @module
 */
export * from './errors.js';
export * from './utils.js';
export { sm3, hmacSm3, verifyHmacSm3, kdf } from './sm3.js';
export { sm4 } from './sm4/index.js';
export { sm2, sm2Curve, Sm2Point } from './sm2/index.js';
