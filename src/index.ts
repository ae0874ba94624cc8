/**
 * bukejian (不可见): the main entry points of the light modules from one place. Each module's
 * full API is on its own subpath (`bukejian/sm2`, `bukejian/mask`, …). `bukejian/zk` is not
 * re-exported here because it loads snarkjs (GPL-3.0); import it from its own subpath.
 * @example
 * import { sm3, sm4, sm2, mask, applyPolicy, anonymize, psi, openAuditLog } from 'bukejian'
 * @module
 */
export * from './errors.js';
export * from './utils.js';
export { sm3, hmacSm3, verifyHmacSm3, kdf } from './sm3.js';
export { sm4 } from './sm4/index.js';
export { sm2 } from './sm2/index.js';
export {
  mask,
  loadPolicy,
  applyPolicy,
  detect,
  redact,
  pseudonymize,
  fpe,
  validateIdCard,
} from './mask/index.js';
export { anonymize } from './anon/index.js';
export { psi } from './psi/index.js';
export {
  openAuditLog,
  createMemoryStore,
  verifyInclusion,
  verifyConsistency,
} from './audit/index.js';
