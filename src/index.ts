/**
 * bukejian (不可见): the root entry holds only the error type. Every module lives on its own
 * subpath, so a program (and a bundle) loads only what it imports: `bukejian/sm3`,
 * `bukejian/sm4`, `bukejian/sm2`, `bukejian/mask`, `bukejian/anon`, `bukejian/psi`,
 * `bukejian/audit`, `bukejian/zk`, `bukejian/utils`, `bukejian/testing`.
 * @example
 * import { isBukejianError } from 'bukejian'
 * import { sm4 } from 'bukejian/sm4'
 * try {
 *   sm4.gcm(new Uint8Array(15), new Uint8Array(12))
 * } catch (e) {
 *   if (isBukejianError(e, 'KEY_LENGTH')) console.log('SM4 keys are 16 bytes')
 * }
 * @module
 */
export { BukejianError, isBukejianError } from './errors.js';
export type { ErrorCode } from './errors.js';
