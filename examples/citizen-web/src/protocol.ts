// The JSON the three parties exchange in this example.
import type { CredentialJSON, RuleSpec } from 'bukejian/zk';

/** The file the issuer hands the citizen: the credential and the citizen's own holder secret. */
export interface WalletFile {
  readonly type: 'bukejian/credential-wallet';
  /** Shown in the page (e.g. the issuer and the date); not secret. */
  readonly label: string;
  readonly credential: CredentialJSON;
  /** Decimal string: never leaves the citizen's device. */
  readonly holderSecret: string;
}

/** What a verifier asks for (pasted into the page or scanned). */
export interface EligibilityRequest {
  readonly type: 'bukejian/eligibility-request';
  readonly requestId: string;
  /** Who asks, e.g. '某区社会保障局'. */
  readonly verifier: string;
  /** Programme name (mapped to the circuit's programId with zk's programId()). */
  readonly program: string;
  readonly rule: RuleSpec;
  readonly today: number;
  readonly period: number;
  /** Decimal string: the verifier's fresh challenge. */
  readonly challenge: string;
  /** Where to POST the answer (same origin in this example). */
  readonly endpoint: string;
}

/** Messages between the page and the prover worker. */
export type ToWorker =
  | {
      readonly type: 'prove';
      readonly wallet: WalletFile;
      readonly request: EligibilityRequest;
      readonly artifactsBase: string;
    }
  | {
      /** Sent when the page loads: fetch and check the artifacts, start the engine (no proof). */
      readonly type: 'prepare';
      readonly artifactsBase: string;
    };
export type FromWorker =
  | {
      readonly type: 'progress';
      readonly stage: 'artifacts' | 'witness' | 'proving' | 'done';
      /** For 'proving': the share of the proving work done (0..1). */
      readonly fraction?: number;
      /** Where the artifacts came from: 'network' or 'cache'. */
      readonly detail?: string;
    }
  | {
      readonly type: 'done';
      readonly proof: unknown;
      /**
       * Milliseconds: artifacts (download or cache, SHA-256, the library's check and WASM
       * compile), prepare (rule), witness, proving (Groth16), prove (everything after artifacts).
       */
      readonly ms: {
        artifacts: number;
        prepare: number;
        witness: number;
        proving: number;
        prove: number;
      };
    }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  /** The 'prepare' finished (milliseconds since it was received); a failure is left to 'prove'. */
  | { readonly type: 'prepared'; readonly ms: number };
