/**
 * `bukejian/audit` (全程留痕): a tamper-evident, append-only audit log for data sharing, on the
 * Certificate Transparency design (RFC 9162) with SM3 tree hashing and SM2-signed checkpoints;
 * consent records and purpose checks, retention, and "who used my data" queries with proofs.
 *
 * Named exports. The citizen-side verifiers (`verifySubjectEvents`, `verifyCheckpoint`,
 * `checkCheckpointConsistency`, `verifyInclusion`, `verifyConsistency`) live in a file that imports
 * nothing of the log or its stores, so a verifier's bundle stays small.
 *
 * Browser-safe: nothing here imports `node:*` statically. `openFileStore` reaches `node:fs`
 * through `process.getBuiltinModule` when called, and throws `UNSUPPORTED` outside Node.
 * @module
 */

// ---- the log and its stores ----
export { openAuditLog } from './log.js';
export type { AuditAnchor, AuditLog, AuditLogOptions, ReadResult, VerifyReport } from './log.js';
export type { PruneResult } from './retention.js';
export { createMemoryStore } from './store/memory.js';
export { openFileStore } from './store/file.js';
export type { FileStoreOptions } from './store/file.js';
export type {
  AuditStore,
  RecoveryReport,
  StoredEntry,
  StoredTree,
  Tombstone,
} from './store/types.js';

// ---- checkpoints and their SM2 keys ----
export { parseCheckpoint, signCheckpoint } from './checkpoint.js';
export type { Checkpoint, CheckpointSigner, CheckpointVerifier, ParsedNote } from './checkpoint.js';
export { sm2CheckpointSigner, sm2CheckpointVerifier } from './signer.js';
export type { Sm2NoteOptions } from './signer.js';

// ---- citizen-side verification ----
export {
  checkCheckpointConsistency,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifySubjectEvents,
} from './client.js';
export type {
  ConsistencyResult,
  PruneEvidence,
  SubjectEvent,
  SubjectEvents,
  SubjectEventsCheck,
} from './client.js';

// ---- proofs across agency boundaries, and the tree ----
export {
  auditProofFromJSON,
  auditProofToJSON,
  decodeAuditProof,
  encodeAuditProof,
} from './proof-encoding.js';
export type { AuditProof } from './proof-encoding.js';
export { createMerkleTree, treeHasher } from './merkle.js';
export type {
  ConsistencyProof,
  InclusionProof,
  MerkleTree,
  TreeHasher,
  TreeHashName,
} from './merkle.js';

// ---- entries and consent ----
export { accessEntryFromPolicy, decodeEntry, encodeEntry, entryLeafHash } from './entries.js';
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
export { checkAccess } from './consent.js';
export type { AccessDecision, AccessQuery, DenyReason } from './consent.js';
