/**
 * Field policies (最小必要 · 分级分类): each field of a record gets a classification — a PIPL
 * art. 28 sensitive category, a GB/T 43697-2024 level (general / important / core) and a sharing
 * class (unconditional / conditional / none, as in the 政务数据共享 catalogues) — the purposes
 * allowed to read it, and the treatment per purpose (keep, mask, pseudonymize, fpe, generalize,
 * drop). `applyPolicy` releases only what a purpose may see, treated; fields the policy does not
 * name are dropped (deny by default). It also returns an access description, a plain JSON object
 * (actor, purpose, fields released and their treatment) for the audit log.
 *
 * Policies are JSON; {@link loadPolicy} validates one and rejects, with INVALID_CONFIG and the
 * path of the offending entry, anything unknown, ill-typed or contradictory (a `none` field with
 * purposes, a sensitive field shared unconditionally, a core field released in clear, mask options
 * that would show more than the type's default mask).
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions, astring, isBytes } from '../_assert.js';
import { mask, maskOptionProblem } from './display.js';
import {
  createPseudonymizer,
  PSEUDONYM_LENGTHS,
  type Pseudonymizer,
  type PseudonymFormat,
} from './pseudonym.js';
import { idCardFpe, ff1Sm4, idTokenParts } from './fpe.js';
import { validateIdCard, daysInMonth } from './idcard.js';
import { splitAddress } from './address.js';
import { validatePhone } from './phone.js';
import { validateBankCard } from './bankcard.js';
import { validateUscc } from './uscc.js';
import { validatePassport } from './passport.js';
import { validatePlate } from './plate.js';
import { validateEmail } from './email.js';

/** Value types a field can declare (they decide which treatments apply). @example FIELD_TYPES.includes('idCard') // true */
export const FIELD_TYPES = [
  'idCard',
  'phone',
  'bankCard',
  'uscc',
  'email',
  'plate',
  'passport',
  'name',
  'address',
  'date',
  'number',
  'text',
] as const;
/**
 * A field's value type: the identifier types validated and masked by this module (`idCard`,
 * `phone`, `bankCard`, `uscc`, `email`, `plate`, `passport`, `name`), `address`, `date`
 * (`YYYY-MM-DD` or `YYYYMMDD`), `number` and free `text`.
 */
export type FieldType = (typeof FIELD_TYPES)[number];
/** PIPL art. 28 sensitive personal information categories. @example SENSITIVE.includes('medical') // true */
export const SENSITIVE = [
  'biometric',
  'religion',
  'specificIdentity',
  'medical',
  'financial',
  'whereabouts',
  'minor',
] as const;
/**
 * A PIPL art. 28 sensitive personal information category (biometrics, religious belief, specific
 * identity, medical health, financial accounts, whereabouts, minors under 14). A field with one may
 * not be shared `unconditional`ly.
 */
export type SensitiveCategory = (typeof SENSITIVE)[number];
/** GB/T 43697-2024 data levels. @example LEVELS // ['general', 'important', 'core'] */
export const LEVELS = ['general', 'important', 'core'] as const;
/**
 * A GB/T 43697-2024 data level: `general` (一般), `important` (重要) or `core` (核心). A `core`
 * field may not be released in clear (`keep`).
 */
export type Level = (typeof LEVELS)[number];
/** Sharing classes of government data catalogues. @example SHARING // ['unconditional', 'conditional', 'none'] */
export const SHARING = ['unconditional', 'conditional', 'none'] as const;
/**
 * A sharing class of the government data catalogues: `unconditional` (无条件共享: any purpose,
 * with `default` for the unlisted ones), `conditional` (有条件共享: only the listed purposes),
 * `none` (不予共享: never released).
 */
export type Sharing = (typeof SHARING)[number];
/** Treatments a purpose can get. @example TREATMENTS.includes('pseudonymize') // true */
export const TREATMENTS = ['keep', 'mask', 'pseudonymize', 'fpe', 'generalize', 'drop'] as const;
/**
 * A treatment's name: `keep` (in clear), `mask` (display mask),
 * `pseudonymize` (keyed pseudonym), `fpe` (format-preserving token), `generalize` (coarser value),
 * `drop` (withheld).
 */
export type TreatmentName = (typeof TREATMENTS)[number];

/** A treatment: a name, or an object with its parameters. */
export type Treatment =
  | TreatmentName
  | { treatment: 'keep' | 'drop' }
  | {
      treatment: 'mask';
      keepStart?: number;
      keepEnd?: number;
      level?: 'province' | 'city' | 'district';
    }
  | { treatment: 'pseudonymize'; domain?: string; format?: PseudonymFormat; length?: number }
  | {
      treatment: 'fpe';
      alphabet?: string;
      tweak?: string;
      keepSex?: boolean;
      years?: [number, number];
      cutoff?: number | null;
    }
  | {
      treatment: 'generalize';
      to: 'year' | 'month' | 'decade' | 'province' | 'city' | 'district' | 'range';
      width?: number;
    };

/**
 * The classification and treatments of one field of a {@link Policy}. {@link loadPolicy} rejects
 * (INVALID_CONFIG) a `none` field with purposes or a default, a `default` on a field that is not
 * `unconditional`, a sensitive field shared `unconditional`ly, `keep` on a `core` field, and
 * treatments that do not apply to `type`.
 */
export interface FieldPolicy {
  /** The value type: decides which treatments apply and how values are validated. */
  type: FieldType;
  /** GB/T 43697-2024 level. */
  level: Level;
  /** PIPL art. 28 category, or null / absent when the field is not sensitive. */
  sensitive?: SensitiveCategory | null;
  /** Sharing class. */
  sharing: Sharing;
  /** Purpose → treatment. */
  purposes?: Record<string, Treatment>;
  /** For `unconditional` fields: the treatment for purposes not listed. */
  default?: Treatment;
  /** Free text for people reading the policy; not used. */
  description?: string;
}

/**
 * A field policy document (JSON): validate it with {@link loadPolicy} and apply it with
 * {@link applyPolicy}. Fields it does not name are never released.
 */
export interface Policy {
  /** Format version, always 1. */
  version: 1;
  /**
   * Non-empty policy name, recorded in access descriptions and part of the default pseudonym
   * domains and FPE tweaks.
   */
  name: string;
  /** Field name → its policy. */
  fields: Record<string, FieldPolicy>;
}

/** One released field in an access description. */
export interface ReleasedField {
  field: string;
  treatment: TreatmentName;
  level: Level;
  sensitive: SensitiveCategory | null;
}

/** What `applyPolicy` tells the audit log: plain JSON, no values. */
export interface AccessDescription {
  actor: string | null;
  purpose: string;
  policy: string;
  released: ReleasedField[];
  /** Fields of the record that were not released (withheld by the policy or not named in it). */
  withheld: string[];
}

/** What {@link applyPolicy} returns. */
export interface ApplyResult {
  /**
   * The released fields only, each treated (fields absent, null or undefined in the input are left
   * out).
   */
  record: Record<string, unknown>;
  /** The access description for the audit log (no values). */
  access: AccessDescription;
}

/** Options of {@link applyPolicy}. */
export interface ApplyOptions {
  /** The purpose the record is read for: selects each field's treatment. */
  purpose: string;
  /** Who asks (recorded in the access description). */
  actor?: string;
  /**
   * Keys for keyed treatments: `pseudonym` (≥ 16 bytes), `fpe` (16 bytes SM4). A keyed treatment
   * whose key is missing throws INVALID_OPTION.
   */
  keys?: { pseudonym?: Uint8Array; fpe?: Uint8Array };
}

const fail = (path: string, what: string): never => {
  throw new BukejianError('INVALID_CONFIG', `policy ${path}: ${what}`);
};
const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isPlainProto = (v: object) => {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
};
const oneOf = <T extends string>(v: unknown, list: readonly T[], path: string): T =>
  typeof v === 'string' && (list as readonly string[]).includes(v)
    ? (v as T)
    : fail(
        path,
        `expected one of ${list.join('|')}, got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 32)) : typeof v}`,
      );
const onlyKeys = (o: Record<string, unknown>, keys: readonly string[], path: string) => {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) fail(path, `unknown key ${JSON.stringify(k.slice(0, 32))}`);
};

const MASKABLE: readonly FieldType[] = [
  'idCard',
  'phone',
  'bankCard',
  'uscc',
  'email',
  'plate',
  'passport',
  'name',
  'address',
  'text',
];
const GENERALIZE: Partial<Record<FieldType, readonly string[]>> = {
  date: ['year', 'month', 'decade'],
  idCard: ['year', 'decade', 'province', 'city', 'district'],
  address: ['province', 'city', 'district'],
  number: ['range'],
};

type NormTreatment = { treatment: TreatmentName; [k: string]: unknown };

function checkTreatment(t: unknown, f: FieldPolicy, path: string): NormTreatment {
  const n: NormTreatment =
    typeof t === 'string'
      ? { treatment: oneOf(t, TREATMENTS, path) }
      : isObj(t)
        ? { ...t, treatment: oneOf(t.treatment, TREATMENTS, `${path}.treatment`) }
        : fail(path, 'expected a treatment name or object');
  const num = (k: string, min: number, max: number) => {
    const v = n[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max))
      fail(`${path}.${k}`, `expected integer in [${min}, ${max}]`);
  };
  switch (n.treatment) {
    case 'keep':
    case 'drop':
      onlyKeys(n, ['treatment'], path);
      if (n.treatment === 'keep' && f.level === 'core')
        fail(path, 'core-level fields may not be released in clear');
      break;
    case 'mask':
      onlyKeys(n, ['treatment', 'keepStart', 'keepEnd', 'level'], path);
      if (!MASKABLE.includes(f.type)) fail(path, `type ${f.type} cannot be masked`);
      num('keepStart', 0, 64);
      num('keepEnd', 0, 64);
      if (n.level !== undefined) {
        if (f.type !== 'address') fail(`${path}.level`, 'only applies to addresses');
        oneOf(n.level, ['province', 'city', 'district'], `${path}.level`);
      }
      if (f.type !== 'text' && f.type !== 'address') {
        // Never more shown than the type's default mask (text: at most half, enforced per value).
        const why = maskOptionProblem(
          f.type as Parameters<typeof maskOptionProblem>[0],
          n.keepStart as number | undefined,
          n.keepEnd as number | undefined,
        );
        if (why) fail(path, why);
      }
      if (f.type === 'text' && n.keepStart === undefined && n.keepEnd === undefined)
        n.keepStart = n.keepEnd = 0;
      break;
    case 'pseudonymize':
      onlyKeys(n, ['treatment', 'domain', 'format', 'length'], path);
      if (n.domain !== undefined && (typeof n.domain !== 'string' || !n.domain))
        fail(`${path}.domain`, 'expected a non-empty string');
      if (n.format !== undefined) oneOf(n.format, ['hex', 'base32', 'numeric'], `${path}.format`);
      {
        // The output lengths createPseudonymizer accepts for the format (checked here, not at first use).
        const [min, max] = PSEUDONYM_LENGTHS[(n.format as PseudonymFormat | undefined) ?? 'hex'];
        num('length', min, max);
      }
      break;
    case 'fpe':
      onlyKeys(n, ['treatment', 'alphabet', 'tweak', 'keepSex', 'years', 'cutoff'], path);
      if (f.type !== 'idCard' && typeof n.alphabet !== 'string')
        fail(path, 'fpe needs type idCard or an alphabet');
      if (
        n.alphabet !== undefined &&
        (typeof n.alphabet !== 'string' ||
          n.alphabet.length < 2 ||
          new Set(n.alphabet).size !== n.alphabet.length)
      ) {
        fail(`${path}.alphabet`, 'expected a string of at least 2 distinct characters');
      }
      if (n.tweak !== undefined && typeof n.tweak !== 'string')
        fail(`${path}.tweak`, 'expected a string');
      if (
        (n.keepSex !== undefined || n.years !== undefined || n.cutoff !== undefined) &&
        (f.type !== 'idCard' || n.alphabet !== undefined)
      )
        fail(path, 'keepSex, years and cutoff only apply to ID tokens');
      if (
        n.cutoff !== undefined &&
        n.cutoff !== null &&
        !(
          Number.isInteger(n.cutoff) &&
          (n.cutoff as number) >= 1800 &&
          (n.cutoff as number) <= 9999
        )
      )
        fail(`${path}.cutoff`, 'expected a year or null');
      if (n.keepSex !== undefined && typeof n.keepSex !== 'boolean')
        fail(`${path}.keepSex`, 'expected a boolean');
      if (n.years !== undefined) {
        const y = n.years;
        if (
          !Array.isArray(y) ||
          y.length !== 2 ||
          !y.every((v) => Number.isInteger(v) && v >= 1800 && v <= 9999) ||
          y[0] > y[1]
        )
          fail(`${path}.years`, 'expected [first, last] years');
        n.years = Object.freeze([...(y as number[])]);
      }
      if (n.alphabet === undefined) {
        // Every permuted part of the ID-token domain must hold 10^6 values (the default cutoff is
        // the current year, so this is checked again when the plan is compiled).
        try {
          idTokenParts({
            years: n.years as [number, number] | undefined,
            cutoff: n.cutoff as number | null | undefined,
            keepSex: n.keepSex as boolean | undefined,
          });
        } catch (e) {
          if (e instanceof BukejianError) fail(path, e.message);
          throw e;
        }
      }
      break;
    case 'generalize': {
      onlyKeys(n, ['treatment', 'to', 'width'], path);
      const allowed = GENERALIZE[f.type];
      if (!allowed) fail(path, `type ${f.type} cannot be generalized`);
      oneOf(n.to, allowed!, `${path}.to`);
      if (n.to === 'range') {
        if (n.width === undefined) fail(`${path}.width`, 'required for range');
        num('width', 1, Number.MAX_SAFE_INTEGER);
      } else if (n.width !== undefined) fail(`${path}.width`, 'only applies to range');
      break;
    }
  }
  return Object.freeze(n);
}

/** Names that would not be plain own properties of a record or lookup table. */
const RESERVED_NAME = (k: string) => k === '__proto__';

const validated = /* @__PURE__ */ new WeakSet<object>();

/**
 * Validates a policy (a JSON string or the parsed object) and returns a frozen copy. Errors are
 * INVALID_CONFIG with the path of the first problem, e.g. `policy fields.idCard.purposes.research: ...`.
 * @example
 * const policy = loadPolicy({ version: 1, name: 'hukou', fields: {
 *   idCard: { type: 'idCard', level: 'important', sensitive: 'specificIdentity', sharing: 'conditional',
 *             purposes: { benefits: 'mask', research: 'pseudonymize' } } } })
 */
export function loadPolicy(input: string | object): Policy {
  let p: unknown = input;
  if (typeof input === 'string') {
    try {
      p = JSON.parse(input);
    } catch {
      fail('', 'expected JSON, got a syntax error');
    }
  }
  if (!isObj(p)) return fail('', 'expected an object');
  onlyKeys(p, ['version', 'name', 'fields', 'description'], '(root)');
  if (p.version !== 1) fail('version', 'expected 1');
  if (typeof p.name !== 'string' || !p.name) fail('name', 'expected a non-empty string');
  if (!isObj(p.fields)) fail('fields', 'expected an object');
  const fields: Record<string, FieldPolicy> = {};
  for (const [name, raw] of Object.entries(p.fields as Record<string, unknown>)) {
    const path = `fields.${name}`;
    if (RESERVED_NAME(name)) fail(path, 'reserved field name');
    if (!isObj(raw)) fail(path, 'expected an object');
    const r = raw as Record<string, unknown>;
    onlyKeys(
      r,
      ['type', 'level', 'sensitive', 'sharing', 'purposes', 'default', 'description'],
      path,
    );
    const f: FieldPolicy = {
      type: oneOf(r.type, FIELD_TYPES, `${path}.type`),
      level: oneOf(r.level, LEVELS, `${path}.level`),
      sensitive: r.sensitive == null ? null : oneOf(r.sensitive, SENSITIVE, `${path}.sensitive`),
      sharing: oneOf(r.sharing, SHARING, `${path}.sharing`),
    };
    if (r.description !== undefined) f.description = astring(r.description, `${path}.description`);
    const purposes =
      r.purposes === undefined
        ? {}
        : isObj(r.purposes)
          ? r.purposes
          : fail(`${path}.purposes`, 'expected an object');
    if (f.sharing === 'none' && (Object.keys(purposes).length || r.default !== undefined))
      fail(path, 'sharing "none" fields cannot list purposes or a default');
    if (r.default !== undefined && f.sharing !== 'unconditional')
      fail(`${path}.default`, 'only unconditional fields have a default treatment');
    if (f.sharing === 'unconditional' && f.sensitive)
      fail(path, 'sensitive personal information (PIPL art. 28) cannot be shared unconditionally');
    const fp: Record<string, Treatment> = {};
    for (const [purpose, t] of Object.entries(purposes)) {
      if (RESERVED_NAME(purpose)) fail(`${path}.purposes.${purpose}`, 'reserved purpose name');
      fp[purpose] = checkTreatment(t, f, `${path}.purposes.${purpose}`) as Treatment;
    }
    // Frozen all the way down: applyPolicy trusts a loaded policy, so it must not change after the checks.
    f.purposes = Object.freeze(fp);
    if (r.default !== undefined)
      f.default = checkTreatment(r.default, f, `${path}.default`) as Treatment;
    fields[name] = Object.freeze(f);
  }
  const out = Object.freeze({
    version: 1 as const,
    name: p.name as string,
    fields: Object.freeze(fields),
  });
  validated.add(out);
  return out;
}

type FieldFn = (v: unknown) => unknown;

function str(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new BukejianError(
    'INVALID_DATA',
    `field "${field}" expected a string, got ${v === null ? 'null' : typeof v}`,
  );
}

function wrap(field: string, fn: (s: string) => unknown): FieldFn {
  return (v) => {
    try {
      return fn(str(v, field));
    } catch (e) {
      if (e instanceof BukejianError && e.code === 'INVALID_DATA')
        throw new BukejianError('INVALID_DATA', `field "${field}": ${e.message}`);
      throw e;
    }
  };
}

const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function generalize(f: FieldPolicy, t: NormTreatment, field: string): FieldFn {
  const to = t.to as string;
  if (f.type === 'number') {
    const w = t.width as number;
    return (v) => {
      // A decimal number (a string like '', ' ' or '0x10' is not one: Number() would make it 0 or 16).
      const n = typeof v === 'number' ? v : DECIMAL.test(str(v, field)) ? Number(v) : NaN;
      if (!Number.isFinite(n))
        throw new BukejianError('INVALID_DATA', `field "${field}" expected a number, got other`);
      const lo = Math.floor(n / w) * w;
      return `${lo}-${lo + w - 1}`;
    };
  }
  if (f.type === 'date') {
    return wrap(field, (s) => {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(s);
      if (!m || +m[2]! < 1 || +m[2]! > 12 || +m[3]! < 1 || +m[3]! > daysInMonth(+m[1]!, +m[2]!))
        throw new BukejianError('INVALID_DATA', 'expected a date YYYY-MM-DD, got other');
      return to === 'year' ? m[1] : to === 'month' ? `${m[1]}-${m[2]}` : `${m[1]!.slice(0, 3)}0s`;
    });
  }
  if (f.type === 'idCard') {
    return wrap(field, (s) => {
      const r = validateIdCard(s, { now: null });
      if (!r.valid)
        throw new BukejianError(
          'INVALID_DATA',
          `expected a valid ID number, got ${r.reason} error`,
        );
      if (to === 'year') return r.birthDate.slice(0, 4);
      if (to === 'decade') return `${r.birthDate.slice(0, 3)}0s`;
      const reg = r.region;
      if (!reg) return r.kind;
      return to === 'province'
        ? reg.province
        : to === 'city'
          ? reg.province + (reg.city ?? '')
          : reg.province + (reg.city ?? '') + (reg.district ?? '');
    });
  }
  // address
  return wrap(field, (s) => {
    const a = splitAddress(s);
    if (!a.province)
      throw new BukejianError(
        'INVALID_DATA',
        'expected an address starting with a province, got other',
      );
    return to === 'province'
      ? a.province
      : to === 'city'
        ? a.province + (a.city ?? '')
        : a.province + (a.city ?? '') + (a.district ?? '');
  });
}

/**
 * Default pseudonym domain / FPE tweak: the names joined by `/`, with `\` and `/` inside a name
 * escaped, so that distinct (policy, purpose, field) triples never share a domain (`a/b`+`c` vs
 * `a`+`b/c`). Names without `/` or `\` give plain `policy/purpose/field`.
 */
const label = (...names: string[]): string =>
  names.map((n) => n.replace(/[\\/]/g, '\\$&')).join('/');

/**
 * Canonical forms of the typed identifiers, pseudonymized instead of the raw string so that one
 * person gets one pseudonym whatever the formatting (15- or 18-digit ID, +86 and separators, card
 * groups, full width, case); null for an invalid value, which is rejected as with masking.
 */
const CANONICAL: Partial<Record<FieldType, (s: string) => string | null>> = {
  idCard: (s) => {
    const r = validateIdCard(s);
    return r.valid ? r.id : null;
  },
  phone: (s) => {
    const r = validatePhone(s);
    return r.valid ? r.number : null;
  },
  bankCard: (s) => {
    const r = validateBankCard(s);
    return r.valid ? r.number : null;
  },
  uscc: (s) => {
    const r = validateUscc(s);
    return r.valid ? r.code : null;
  },
  passport: (s) => {
    const r = validatePassport(s);
    return r.valid ? r.number : null;
  },
  plate: (s) => {
    const r = validatePlate(s);
    return r.valid ? r.plate : null;
  },
  email: (s) => {
    const r = validateEmail(s);
    return r.valid ? r.email : null;
  },
};

function compileField(
  name: string,
  f: FieldPolicy,
  t: NormTreatment,
  policy: Policy,
  purpose: string,
  keys: ApplyOptions['keys'],
): FieldFn | null {
  switch (t.treatment) {
    case 'drop':
      return null;
    case 'keep':
      return (v) => v;
    case 'mask': {
      if (f.type === 'address') {
        const level = t.level as 'province' | 'city' | 'district' | undefined;
        return wrap(name, (s) => mask.address(s, level ? { level } : undefined));
      }
      const o: { keepStart?: number; keepEnd?: number } = {};
      if (t.keepStart !== undefined) o.keepStart = t.keepStart as number;
      if (t.keepEnd !== undefined) o.keepEnd = t.keepEnd as number;
      if (f.type === 'text')
        return wrap(name, (s) => mask.middle(s, o.keepStart ?? 0, o.keepEnd ?? 0));
      const m = mask[f.type as Exclude<FieldType, 'date' | 'number' | 'text'>] as (
        s: string,
        o?: object,
      ) => string;
      const mo = Object.keys(o).length ? o : undefined;
      return wrap(name, (s) => m(s, mo));
    }
    case 'pseudonymize': {
      const key = keys?.pseudonym;
      if (!isBytes(key))
        throw new BukejianError(
          'INVALID_OPTION',
          `"keys.pseudonym" expected Uint8Array for field "${name}", got none`,
        );
      const p: Pseudonymizer = createPseudonymizer(key, {
        domain: (t.domain as string | undefined) ?? label(policy.name, purpose, name),
        ...(t.format !== undefined ? { format: t.format as PseudonymFormat } : {}),
        ...(t.length !== undefined ? { length: t.length as number } : {}),
        normalize: 'text',
      });
      const canon = CANONICAL[f.type];
      if (!canon) return wrap(name, (s) => p(s));
      return wrap(name, (s) => {
        const c = canon(s);
        if (c === null)
          throw new BukejianError(
            'INVALID_DATA',
            `"${f.type}" expected a valid value, got invalid`,
          );
        return p(c);
      });
    }
    case 'fpe': {
      const key = keys?.fpe;
      if (!isBytes(key))
        throw new BukejianError(
          'INVALID_OPTION',
          `"keys.fpe" expected Uint8Array for field "${name}", got none`,
        );
      const tweak = (t.tweak as string | undefined) ?? label(policy.name, name);
      if (t.alphabet === undefined) {
        const c = idCardFpe(key, {
          tweak,
          ...(t.keepSex !== undefined ? { keepSex: t.keepSex as boolean } : {}),
          ...(t.years !== undefined ? { years: t.years as [number, number] } : {}),
          ...(t.cutoff !== undefined ? { cutoff: t.cutoff as number | null } : {}),
        });
        return wrap(name, (s) => c.encrypt(s));
      }
      const c = ff1Sm4(key, { alphabet: t.alphabet as string, tweak });
      return wrap(name, (s) => c.encrypt(s));
    }
    case 'generalize':
      return generalize(f, t, name);
  }
}

/**
 * The treatment of field `f` for `purpose`: its own entry in `purposes` (never an inherited
 * property such as `constructor`), else the default of an unconditional field, else none.
 * @example treatmentFor(policy.fields.idCard, 'benefits') // 'mask'
 */
export function treatmentFor(f: FieldPolicy, purpose: string): Treatment | undefined {
  const own =
    f.purposes !== undefined && Object.prototype.hasOwnProperty.call(f.purposes, purpose)
      ? f.purposes[purpose]
      : undefined;
  return own ?? (f.sharing === 'unconditional' ? f.default : undefined);
}

interface Plan {
  fields: [string, FieldFn][];
  known: Set<string>;
  released: ReleasedField[];
}

const plans = /* @__PURE__ */ new WeakMap<
  object,
  Map<string, { keys: ApplyOptions['keys']; pk?: Uint8Array; fk?: Uint8Array; plan: Plan }>
>();

function plan(policy: Policy, purpose: string, keys: ApplyOptions['keys']): Plan {
  let byPurpose = plans.get(policy);
  if (!byPurpose) plans.set(policy, (byPurpose = new Map()));
  const hit = byPurpose.get(purpose);
  if (hit && hit.pk === keys?.pseudonym && hit.fk === keys?.fpe) return hit.plan;
  const fields: [string, FieldFn][] = [];
  const released: ReleasedField[] = [];
  for (const [name, f] of Object.entries(policy.fields)) {
    const t = treatmentFor(f, purpose);
    if (t === undefined) continue;
    const nt: NormTreatment = typeof t === 'string' ? { treatment: t } : (t as NormTreatment);
    const fn = compileField(name, f, nt, policy, purpose, keys);
    if (!fn) continue;
    fields.push([name, fn]);
    released.push(
      Object.freeze({
        field: name,
        treatment: nt.treatment,
        level: f.level,
        sensitive: f.sensitive ?? null,
      }),
    );
  }
  const p: Plan = { fields, known: new Set(fields.map(([n]) => n)), released };
  byPurpose.set(purpose, { keys, pk: keys?.pseudonym, fk: keys?.fpe, plan: p });
  return p;
}

/**
 * Applies a policy to one record for one purpose: only the fields the purpose may see, each
 * treated; everything else withheld. A value that does not fit its field's type throws
 * INVALID_DATA naming the field (never the value). Plans are compiled once per (policy, purpose,
 * keys) and cached, for a policy returned by {@link loadPolicy}: a raw policy object is accepted
 * but validated and compiled again on every call (tens of times slower), so load it once.
 * @example
 * const { record, access } = applyPolicy({ name: '张三', idCard: '11010519491231002X', note: 'x' },
 *   policy, { purpose: 'benefits', actor: 'clerk-17' })
 * // record: { idCard: '110105********002X' }; access.released: [{ field: 'idCard', treatment: 'mask', ... }]
 */
export function applyPolicy(
  record: Record<string, unknown>,
  policy: Policy,
  opts: ApplyOptions,
): ApplyResult {
  if (!validated.has(policy)) policy = loadPolicy(policy);
  const o = aoptions(opts, 'opts', ['purpose', 'actor', 'keys']);
  const purpose = astring(o.purpose, 'purpose');
  if (!isObj(record) || !isPlainProto(record))
    throw new BukejianError('INVALID_TYPE', '"record" expected a plain object, got other');
  const p = plan(policy, purpose, o.keys);
  const out: Record<string, unknown> = {};
  const released: ReleasedField[] = [];
  for (let i = 0; i < p.fields.length; i++) {
    const [name, fn] = p.fields[i]!;
    if (!Object.prototype.hasOwnProperty.call(record, name)) continue;
    const v = record[name];
    if (v === undefined || v === null) continue;
    out[name] = fn(v);
    released.push(p.released[i]!);
  }
  const withheld: string[] = [];
  for (const k in record)
    if (!p.known.has(k) && Object.prototype.hasOwnProperty.call(record, k)) withheld.push(k);
  return {
    record: out,
    access: { actor: o.actor ?? null, purpose, policy: policy.name, released, withheld },
  };
}
