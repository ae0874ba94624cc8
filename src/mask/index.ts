/**
 * bukejian/mask: identifiers (GB 11643 ID numbers, mobile numbers, bank cards, GB 32100 USCCs,
 * passports and permits, e-mail, plates, names, addresses), display masking (GB/T 35273),
 * detection and redaction in free text (streaming), keyed pseudonyms (HMAC-SM3), format-preserving
 * encryption (FF1 over SM4, NIST SP 800-38G) and field policies (PIPL art. 28, GB/T 43697).
 *
 * Shape: named exports. Each identifier has `validateX(input)` and `generateX(opts?)` (synthetic
 * test data); the display masks are the one namespace `mask` (`mask.idCard(v)`, `mask.phone(v)`,
 * …), whose members are not exported loose. fast-check arbitraries are in `bukejian/testing`.
 * @example
 * import { validateIdCard, mask, pseudonymize } from 'bukejian/mask';
 * validateIdCard('11010519491231002X').valid; // true
 * mask.idCard('11010519491231002X'); // '110105********002X'
 * @module
 */
export { normalizeId } from './normalize.js';
export { lookupRegion, provinceCodes, childCodes, areaCodes, type Region } from './regions.js';
export {
  validateIdCard,
  generateIdCard,
  type IdCardResult,
  type IdCardValid,
  type IdCardInvalid,
  type IdCardKind,
  type IdCardReason,
  type IdCardValidateOptions,
  type IdCardGenerateOptions,
} from './idcard.js';
export { validatePhone, generatePhone, type PhoneResult, type PhoneOperator } from './phone.js';
export {
  validateBankCard,
  generateBankCard,
  type BankCardResult,
  type CardNetwork,
} from './bankcard.js';
export { validateUscc, generateUscc, type UsccResult } from './uscc.js';
export {
  validatePassport,
  generatePassport,
  type PassportResult,
  type TravelDocKind,
} from './passport.js';
export { validateEmail, generateEmail, type EmailResult } from './email.js';
export { validatePlate, generatePlate, type PlateResult } from './plate.js';
export { validateName, generateName, type NameResult } from './name.js';
export { splitAddress, generateAddress, type AddressParts } from './address.js';
export { mask, type MaskOptions, type AddressMaskOptions } from './display.js';
export {
  detect,
  redact,
  createDetector,
  createRedactor,
  maskSpan,
  PII_TYPES,
  PII_LABELS,
  type Span,
  type PiiType,
  type DetectOptions,
  type RedactOptions,
  type Detector,
  type Redactor,
} from './detect.js';
export {
  pseudonymize,
  createPseudonymizer,
  type PseudonymOptions,
  type PseudonymFormat,
  type Pseudonymizer,
} from './pseudonym.js';
export {
  ff1Sm4,
  idCardFpe,
  type FpeOptions,
  type StringFpe,
  type IdCardFpe,
  type IdCardFpeOptions,
} from './fpe.js';
export {
  loadPolicy,
  applyPolicy,
  treatmentFor,
  type Policy,
  type FieldPolicy,
  type Treatment,
  type TreatmentName,
  type FieldType,
  type Level,
  type Sharing,
  type SensitiveCategory,
  type ApplyOptions,
  type ApplyResult,
  type AccessDescription,
  type ReleasedField,
} from './policy.js';
export {
  jsonLinesPolicyStream,
  csvPolicyStream,
  redactStream,
  type RecordStreamOptions,
  type StreamStats,
} from './stream.js';
export { toNodeTransform } from './node-stream.js';
