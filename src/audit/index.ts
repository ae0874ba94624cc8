/**
 * `bukejian/audit` (全程留痕): a tamper-evident, append-only audit log for data sharing, on the
 * Certificate Transparency design (RFC 9162) with SM3 tree hashing and SM2-signed checkpoints;
 * consent records and purpose checks, retention, and "who used my data" queries with proofs.
 *
 * Browser-safe: nothing here imports `node:*` statically. `openFileStore` reaches `node:fs`
 * through `process.getBuiltinModule` when called, and throws `UNSUPPORTED` outside Node.
 * @module
 */
export {
  createMerkleTree,
  merkleRoot,
  restoreMerkleTree,
  rootFromInclusion,
  treeHasher,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export type {
  ConsistencyProof,
  InclusionProof,
  MerkleTree,
  TreeHasher,
  TreeHashName,
} from './merkle.js';
export { decodeProof, encodeProof, proofFromJSON, proofToJSON } from './proof-encoding.js';
export type { EncodedProof } from './proof-encoding.js';
export {
  checkCheckpointConsistency,
  formatCheckpoint,
  keyId,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint.js';
export type {
  Checkpoint,
  CheckpointSigner,
  CheckpointVerifier,
  ConsistencyResult,
  ParsedNote,
} from './checkpoint.js';
export { sm2CheckpointSigner, sm2CheckpointVerifier } from './signer.js';
export type { Sm2NoteOptions } from './signer.js';
export {
  accessEntryFromPolicy,
  consentIdDigest,
  contentDigest,
  decodeEntry,
  encodeEntry,
  encodeNormalized,
  ENTRY_VERSION,
  entryLeafHash,
  entrySubject,
  KIND_CODES,
  LEAF_FORMAT,
  leafFromContent,
  normalizeEntry,
  subjectCommitment,
  subjectTag,
  timeMs,
  toTime,
} from './entries.js';
export type {
  AccessEntry,
  Actor,
  Basis,
  ConsentEntry,
  Entry,
  LegalBasisEntry,
  PolicyAccess,
  PruneEntry,
  Retention,
  RevocationEntry,
  TimeInput,
} from './entries.js';
export { checkAccess, createConsentIndex } from './consent.js';
export type { AccessDecision, AccessQuery, ConsentIndex, DenyReason } from './consent.js';
export { indexesDigest, MAX_PRUNE_BATCH, prune, pruneExpired } from './retention.js';
export type { PruneResult } from './retention.js';
export { eventsFor, verifySubjectEvents } from './query.js';
export type { PruneEvidence, SubjectEvent, SubjectEvents, SubjectEventsCheck } from './query.js';
export { AuditLog, openAuditLog } from './log.js';
export type { AuditAnchor, AuditLogOptions, ReadResult, VerifyReport } from './log.js';
export { createMemoryStore } from './store/memory.js';
export { openFileStore } from './store/file.js';
export type { FileStoreOptions } from './store/file.js';
export type { AuditStore, RecoveryReport, StoredEntry, Tombstone } from './store/types.js';
