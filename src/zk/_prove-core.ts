/**
 * The proving step shared by `eligibility.prove` (prove.ts) and `ruleProof.prove` (rule-proof.ts):
 * witness from the circuit's WASM (witness.ts), then our Groth16 prover (groth16-prove.ts). A
 * failed circuit assertion (circom runtime code 4) means the statement is false for this input and
 * throws NOT_ELIGIBLE with the caller's message; any other failure throws BAD_STATE with the
 * original error as `cause`. `report` (optional) hears the phases `'witness'`, then `'proving'` with
 * a growing fraction (see `ProveProgress` in prove.ts).
 * @module
 */
import { BukejianError } from '../errors.js';
import type { Artifacts } from './artifacts.js';
import { groth16Prove, type RawProof } from './groth16-prove.js';
import { witnessCalculator, WitnessError, wtnsWitness, type SignalValue } from './witness.js';

/**
 * Witness, then proof, for checked artifacts and the circuit's input signals.
 * @example const raw = await proveSignals(artifacts, signals, 'the credential does not satisfy the rule')
 */
export async function proveSignals(
  artifacts: Artifacts,
  signals: Readonly<Record<string, SignalValue>>,
  notEligible: string,
  report?: (phase: 'witness' | 'proving', fraction?: number) => void,
): Promise<RawProof> {
  const wc = await witnessCalculator(artifacts.wasm);
  report?.('witness');
  let wtns: Uint8Array;
  try {
    wtns = wc.calculate(signals);
  } catch (e) {
    // Code 4 = a circuit assert/constraint failed: the statement is false for this credential.
    if (e instanceof WitnessError && e.code === 4)
      throw new BukejianError('NOT_ELIGIBLE', notEligible);
    throw new BukejianError(
      'BAD_STATE',
      `witness generation failed: ${String((e as Error)?.message ?? e)}`,
      { cause: e },
    );
  }
  report?.('proving', 0);
  try {
    return await groth16Prove(
      artifacts.zkey,
      wtnsWitness(wtns),
      report && ((fraction) => report('proving', fraction)),
    );
  } catch (e) {
    throw new BukejianError('BAD_STATE', 'proof generation failed', { cause: e });
  }
}
