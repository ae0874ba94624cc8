/**
 * Verifier side: `verify` and `verifyBatch` of eligibility proofs. The verifier derives every public
 * signal from its OWN context (issuer key, rule, today, programme, period, challenge); only the
 * nullifier comes from the proof. Proofs from the other party may arrive as objects, JSON or bytes:
 * anything malformed yields `{ ok: false }`, never an exception; a malformed context (the caller's
 * own input) throws. With a nullifier registry, an accepted proof's nullifier is claimed and a
 * second claim for the same programme and period is rejected. The verification key is never
 * implied: the caller passes `vkey` (the key of its ceremony) or opts in to the pinned development
 * key with `allowDevelopmentKey: true`; neither → INVALID_OPTION.
 * @module
 */
import { BukejianError } from '../errors.js';
import { aoptions, isBytes } from '../_assert.js';
import { terminate as terminateCurves, type VerificationKeyJson } from './groth16.js';
import { batchArgs, checkBatch, chosenKey, resetVerifiers, verifierFor } from './_verify-core.js';
import {
  publicSignals,
  resolveContext,
  type ProofContext,
  type ResolvedContext,
} from './context.js';
import { randomField } from './field.js';
import type { NullifierRegistry } from './nullifier.js';
import {
  checkProof,
  decodeEligibilityProof,
  eligibilityProofFromJSON,
  type EligibilityProof,
} from './proof-codec.js';
import { VKEY } from './pinned.js';

/**
 * What the verifier learns: accepted with the nullifier, or rejected with the reason
 * ('malformed' | 'invalid' | 'already-claimed'). `if (r.ok)` narrows `r.nullifier` to `bigint`.
 */
export type VerifyResult =
  | { readonly ok: true; readonly nullifier: bigint; readonly reason?: undefined }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'invalid' | 'already-claimed';
      readonly nullifier?: undefined;
    };

/** Verifier options. */
export interface VerifyOptions {
  /** Record nullifiers and reject repeats. */
  readonly registry?: NullifierRegistry;
  /**
   * Verification key (snarkjs JSON) from the production ceremony. Required unless
   * `allowDevelopmentKey` is true; when given, it is the key used.
   */
  readonly vkey?: VerificationKeyJson;
  /**
   * `true` = without `vkey`, verify against the pinned development key {@link VKEY} (the committed
   * single-machine setup: whoever ran it can forge proofs). For tests and demos only.
   */
  readonly allowDevelopmentKey?: boolean;
  /**
   * verifyBatch only: worker threads for the per-proof work (Node). Default: the number of cores for
   * batches of 32 or more, else 0 (in this thread). 0 or 1 = in this thread.
   */
  readonly workers?: number;
}

/** A proof as received: object, JSON (object or string) or the binary form. */
export type ProofInput = EligibilityProof | Uint8Array | string | Record<string, unknown>;

const OPTION_KEYS = ['registry', 'vkey', 'allowDevelopmentKey', 'workers'] as const;

function parse(input: ProofInput): EligibilityProof | null {
  try {
    if (isBytes(input)) return decodeEligibilityProof(input);
    if (typeof input === 'string') return eligibilityProofFromJSON(input);
    if (input && typeof input === 'object' && 'type' in input)
      return eligibilityProofFromJSON(input);
    return checkProof(input);
  } catch (e) {
    if (e instanceof BukejianError) return null;
    throw e;
  }
}

async function claim(
  reg: NullifierRegistry | undefined,
  c: ResolvedContext,
  nullifier: bigint,
): Promise<VerifyResult> {
  if (reg && !(await reg.claim(c.programId, c.period, nullifier))) {
    return Object.freeze({ ok: false, reason: 'already-claimed' as const });
  }
  return Object.freeze({ ok: true as const, nullifier });
}

/**
 * Verifies one proof against the verifier's own context and the verification key the caller names
 * (`vkey`, or `allowDevelopmentKey: true`; neither throws INVALID_OPTION).
 * @example
 * const vkey = JSON.parse(readFileSync('vkey.json', 'utf8')) // from `bukejian zk ceremony export`
 * const { ok, nullifier } = await eligibility.verify(proof, { issuerPublicKey, rule, today: 20261125,
 *   programId: '高龄津贴', period: 202611, challenge }, { vkey })
 */
export async function verify(
  proof: ProofInput,
  context: ProofContext,
  options?: VerifyOptions,
): Promise<VerifyResult> {
  const o = aoptions(options, 'options', OPTION_KEYS);
  const key = chosenKey(o, VKEY);
  const c = resolveContext(context);
  const v = await verifierFor(key);
  const p = parse(proof);
  if (!p) return Object.freeze({ ok: false, reason: 'malformed' as const });
  if (!v.verify(p, publicSignals(p.nullifier, c)))
    return Object.freeze({ ok: false, reason: 'invalid' as const });
  return claim(o.registry, c, p.nullifier);
}

/**
 * Verifies many proofs with one random-linear-combination pairing check (N + 3 Miller loops, one
 * final exponentiation), bisecting on failure so each result is exact. `context` is shared by all
 * proofs or given per proof (each request normally has its own challenge). With a registry, the
 * accepted proofs' nullifiers are claimed after the pairing checks, in order (in one call when the
 * registry has `claimMany`, e.g. `bukejian/postgres`: one round trip), else one by one; if the
 * registry throws, verifyBatch throws, and nullifiers claimed before the failure stay claimed
 * (the interface has no release), so a registry that can fail should be retried by its owner.
 * Like {@link verify}, it needs `vkey` or `allowDevelopmentKey: true` (neither → INVALID_OPTION).
 * @example const results = await eligibility.verifyBatch(proofs, contexts, { vkey, registry })
 */
export async function verifyBatch(
  proofs: readonly ProofInput[],
  context: ProofContext | readonly ProofContext[],
  options?: VerifyOptions,
): Promise<VerifyResult[]> {
  const o = aoptions(options, 'options', OPTION_KEYS);
  const key = chosenKey(o, VKEY);
  const workers = batchArgs(proofs, context, o.workers);
  const many = Array.isArray(context);
  const shared = many ? undefined : resolveContext(context as ProofContext);
  const ctxs = proofs.map(
    (_, i) => shared ?? resolveContext((context as readonly ProofContext[])[i]!),
  );
  const v = await verifierFor(key);
  const parsed = proofs.map(parse);
  const live = parsed.flatMap((p, i) => (p ? [i] : []));
  const batch = live.map((i) => ({
    proof: parsed[i]!,
    signals: publicSignals(parsed[i]!.nullifier, ctxs[i]!),
  }));
  const ok = await checkBatch(v, batch, workers);
  const out: VerifyResult[] = parsed.map(() =>
    Object.freeze({ ok: false, reason: 'malformed' as const }),
  );
  const reg = o.registry;
  if (reg?.claimMany) {
    // one batch claim (a database registry: one round trip) for every accepted proof, in order
    const accepted = live.filter((_, k) => ok[k]);
    const won = await reg.claimMany(
      accepted.map((i) => ({
        programId: ctxs[i]!.programId,
        period: ctxs[i]!.period,
        nullifier: parsed[i]!.nullifier,
      })),
    );
    if (!Array.isArray(won) || won.length !== accepted.length)
      throw new BukejianError('INVALID_DATA', '"registry.claimMany" returned the wrong count');
    for (let k = 0; k < live.length; k++)
      if (!ok[k]) out[live[k]!] = Object.freeze({ ok: false, reason: 'invalid' as const });
    accepted.forEach((i, k) => {
      const nullifier = parsed[i]!.nullifier;
      out[i] = won[k]
        ? Object.freeze({ ok: true, nullifier })
        : Object.freeze({ ok: false, reason: 'already-claimed' as const });
    });
    return out;
  }
  for (let k = 0; k < live.length; k++) {
    const i = live[k]!;
    out[i] = ok[k]
      ? await claim(reg, ctxs[i]!, parsed[i]!.nullifier)
      : Object.freeze({ ok: false, reason: 'invalid' as const });
  }
  return out;
}

/**
 * A fresh verifier challenge (uniform field element from crypto.getRandomValues); send it with
 * the request and verify against the same value.
 * @example const challenge = eligibility.challenge()
 */
export function challenge(): bigint {
  return randomField();
}

/**
 * Frees the curve engines and cached verifiers (worker threads would keep Node alive); later
 * calls rebuild them on demand.
 * @example await eligibility.terminate()
 */
export async function terminate(): Promise<void> {
  resetVerifiers();
  await terminateCurves();
}
