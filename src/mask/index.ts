/**
 * bukejian/mask: identifiers (GB 11643 ID numbers, mobile numbers, bank cards, GB 32100 USCCs,
 * passports and permits, e-mail, plates, names, addresses), display masking (GB/T 35273),
 * detection and redaction in free text (streaming), keyed pseudonyms (HMAC-SM3), format-preserving
 * encryption (FF1 over SM4, NIST SP 800-38G) and field policies (PIPL art. 28, GB/T 43697).
 * fast-check arbitraries for tests are in `./testing.ts` (not re-exported: fast-check is optional).
 * @module
 */
export { toHalfWidth, normalizeId } from './normalize.js';
export {
  lookupRegion,
  regionName,
  isKnownArea,
  provinceCodes,
  childCodes,
  areaCodes,
  type Region,
} from './regions.js';
export {
  idCard,
  validateIdCard,
  idCardCheckChar,
  idCard15to18,
  generateIdCard,
  type IdCardResult,
  type IdCardValid,
  type IdCardInvalid,
  type IdCardKind,
  type IdCardReason,
  type IdCardValidateOptions,
  type IdCardGenerateOptions,
} from './idcard.js';
export {
  phone,
  validatePhone,
  generatePhone,
  PHONE_PREFIXES,
  type PhoneResult,
  type PhoneOperator,
} from './phone.js';
export {
  bankCard,
  validateBankCard,
  generateBankCard,
  luhnValid,
  luhnCheckDigit,
  type BankCardResult,
  type CardNetwork,
} from './bankcard.js';
export {
  uscc,
  validateUscc,
  usccCheckChar,
  orgCodeCheckChar,
  generateUscc,
  USCC_CHARSET,
  type UsccResult,
} from './uscc.js';
export {
  passport,
  validatePassport,
  generatePassport,
  type PassportResult,
  type TravelDocKind,
} from './passport.js';
export { email, validateEmail, generateEmail, type EmailResult } from './email.js';
export { plate, validatePlate, generatePlate, PLATE_PROVINCES, type PlateResult } from './plate.js';
export {
  name,
  validateName,
  generateName,
  COMPOUND_SURNAMES,
  GIVEN_NAME_CHARS,
  type NameResult,
} from './name.js';
export { address, splitAddress, generateAddress, type AddressParts } from './address.js';
export {
  mask,
  maskMiddle,
  MASK_MAX_SHOWN,
  type MaskOptions,
  type AddressMaskOptions,
} from './display.js';
export {
  detect,
  redact,
  createDetector,
  createRedactor,
  PII_TYPES,
  PII_LABELS,
  DETECT_WINDOW,
  DETECT_CONTEXT,
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
  PSEUDONYM_LENGTHS,
  type PseudonymOptions,
  type PseudonymFormat,
  type Pseudonymizer,
} from './pseudonym.js';
export { ff1, type Ff1, type BlockEncrypt } from './ff1.js';
export {
  fpe,
  ff1Sm4,
  idCardFpe,
  ID_TOKEN_DOMAIN,
  ID_TOKEN_CUTOFF,
  type FpeOptions,
  type StringFpe,
  type IdCardFpe,
  type IdCardFpeOptions,
} from './fpe.js';
export {
  loadPolicy,
  applyPolicy,
  treatmentFor,
  FIELD_TYPES,
  SENSITIVE,
  LEVELS,
  SHARING,
  TREATMENTS,
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
export { createCsvParser, csvLine, type CsvParser } from './csv.js';
export {
  jsonLinesPolicyStream,
  csvPolicyStream,
  redactStream,
  type RecordStreamOptions,
  type StreamStats,
} from './stream.js';
export { toNodeTransform } from './node-stream.js';
