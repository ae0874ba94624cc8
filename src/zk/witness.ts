/**
 * Witness generation for a circom 2 circuit WASM (the eligibility circuit's `eligibility.wasm`),
 * compiled and instantiated ONCE per WASM buffer and reused for every proof. Adapted from
 * circom_runtime's `witness_calculator.js` (0KIMS, Apache-2.0), which snarkjs would otherwise
 * re-compile (4.5 MB of WASM) on every `fullProve`. Two deliberate differences:
 *  - nothing is ever written to the console: a failed `assert`/`===` inside the circuit is thrown
 *    as a {@link WitnessError} with circom's own message (template and line), which `prove` maps to
 *    NOT_ELIGIBLE; any other runtime error keeps its code and message (see `prove`);
 *  - after any failure the instance is dropped and a fresh one is instantiated from the compiled
 *    module on the next call, so no state of a failed run can leak into the next witness.
 * `calculate` is synchronous from `init` to the last witness word, so concurrent provers sharing the
 * instance cannot interleave.
 * Output: the binary `.wtns` v2 form that `snarkjs.groth16.prove` reads.
 * @module
 */

import { BukejianError } from '../errors.js';
import { binSections } from './binfile.js';

/** circom runtime exception codes (circom_runtime exceptionHandler). */
const CODES: Record<number, string> = {
  1: 'Signal not found',
  2: 'Too many signals set',
  3: 'Signal already set',
  4: 'Assert Failed',
  5: 'Not enough memory',
  6: 'Input signal array access exceeds the size',
};

/** A failure inside the circuit's WASM: `code` 4 = a circuit assertion/constraint failed. */
export class WitnessError extends Error {
  readonly code: number;
  constructor(code: number, detail: string) {
    super(
      `${CODES[code] ?? 'Unknown error'} (circom runtime code ${code})${detail ? `: ${detail.trim()}` : ''}`,
    );
    this.name = 'WitnessError';
    this.code = code;
  }
}

interface Exports {
  memory: WebAssembly.Memory;
  getVersion(): number;
  init(sanityCheck: number): void;
  getFieldNumLen32(): number;
  getRawPrime(): void;
  readSharedRWMemory(i: number): number;
  writeSharedRWMemory(i: number, v: number): void;
  setInputSignal(hMSB: number, hLSB: number, i: number): void;
  getInputSignalSize(hMSB: number, hLSB: number): number;
  getInputSize(): number;
  getWitnessSize(): number;
  getWitness(i: number): void;
  getMessageChar(): number;
}

/** An input signal's value: a decimal string, or (for signal arrays) arrays of them, flattened row-major. */
export type SignalValue = string | readonly string[] | readonly (readonly string[])[];

/** A reusable witness calculator for one circuit. */
export interface WitnessCalculator {
  /** Witness for the given input signals (decimal strings or arrays of them), as `.wtns` bytes. Throws WitnessError. */
  calculate(input: Readonly<Record<string, SignalValue>>): Uint8Array;
}

const MASK64 = (1n << 64n) - 1n;

/** circom's signal-name hash: 64-bit FNV-1a over the UTF-16 code units, split into two 32-bit halves. */
function fnv(name: string): [number, number] {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) {
    h ^= BigInt(name.charCodeAt(i));
    h = (h * 0x100000001b3n) & MASK64;
  }
  return [Number(h >> 32n), Number(h & 0xffffffffn)];
}

function instantiate(mod: WebAssembly.Module): { ex: Exports; state: { err: string } } {
  const state = { err: '' };
  let ex: Exports | undefined;
  const message = (): string => {
    let s = '';
    for (let c = ex!.getMessageChar(); c !== 0; c = ex!.getMessageChar())
      s += String.fromCharCode(c);
    return s;
  };
  const instance = new WebAssembly.Instance(mod, {
    runtime: {
      exceptionHandler(code: number) {
        throw new WitnessError(code, state.err);
      },
      printErrorMessage() {
        state.err += `${message()}\n`;
      },
      // log() output of the circuit: consumed (the message buffer must be drained) and not printed.
      writeBufferMessage() {
        message();
      },
      showSharedRWMemory() {},
    },
  });
  ex = instance.exports as unknown as Exports;
  if (ex.getVersion() !== 2) throw new Error(`unsupported circom WASM version ${ex.getVersion()}`);
  return { ex, state };
}

const calculators = new WeakMap<Uint8Array, Promise<WitnessCalculator>>();

/**
 * The witness calculator for a circuit WASM: compiled and instantiated once per buffer (the same
 * object is returned for the same buffer); async only for the first compile.
 * @example const wc = await witnessCalculator(artifacts.wasm); const wtns = wc.calculate(circuitInput(input))
 */
export function witnessCalculator(wasm: Uint8Array): Promise<WitnessCalculator> {
  let wc = calculators.get(wasm);
  if (!wc) {
    wc = build(wasm);
    wc.catch(() => calculators.delete(wasm));
    calculators.set(wasm, wc);
  }
  return wc;
}

async function build(wasm: Uint8Array): Promise<WitnessCalculator> {
  const mod = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  let live: ReturnType<typeof instantiate> | undefined;
  function calculate(input: Readonly<Record<string, SignalValue>>): Uint8Array {
    const { ex, state } = (live ??= instantiate(mod));
    state.err = '';
    try {
      return run(ex, input);
    } catch (e) {
      live = undefined; // never reuse an instance whose run was aborted
      throw e;
    }
  }
  return Object.freeze({ calculate });
}

function run(ex: Exports, input: Readonly<Record<string, SignalValue>>): Uint8Array {
  const n32 = ex.getFieldNumLen32();
  ex.getRawPrime();
  let prime = 0n;
  for (let j = n32 - 1; j >= 0; j--)
    prime = (prime << 32n) | BigInt(ex.readSharedRWMemory(j) >>> 0);

  ex.init(0);
  let count = 0;
  for (const [name, value] of Object.entries(input)) {
    const [hi, lo] = fnv(name);
    const values: readonly string[] = typeof value === 'string' ? [value] : value.flat();
    const size = ex.getInputSignalSize(hi, lo);
    if (size <= 0) throw new Error(`"${name}" is not an input signal of the circuit`);
    if (values.length !== size)
      throw new Error(`input signal "${name}" expects ${size} values, got ${values.length}`);
    for (let i = 0; i < values.length; i++) {
      let v = BigInt(values[i]!) % prime;
      if (v < 0n) v += prime;
      for (let j = 0; j < n32; j++, v >>= 32n) ex.writeSharedRWMemory(j, Number(v & 0xffffffffn));
      ex.setInputSignal(hi, lo, i);
      count++;
    }
  }
  if (count < ex.getInputSize())
    throw new Error(`only ${count} of ${ex.getInputSize()} input signals were set`);

  // .wtns v2: "wtns" ‖ version 2 ‖ 2 sections; section 1 = n8 ‖ prime ‖ witness size; section 2 = the witness.
  const nWit = ex.getWitnessSize();
  const n8 = n32 * 4;
  const out = new Uint32Array(11 + n32 + nWit * n32);
  out[0] = 0x736e7477; // "wtns" little-endian
  out[1] = 2;
  out[2] = 2;
  out[3] = 1;
  out[4] = 8 + n8; // 64-bit section length (low word; high word 0)
  out[6] = n8;
  ex.getRawPrime();
  let pos = 7;
  for (let j = 0; j < n32; j++) out[pos + j] = ex.readSharedRWMemory(j);
  pos += n32;
  out[pos++] = nWit;
  out[pos++] = 2;
  out[pos] = n8 * nWit; // 64-bit section length (low word; high word 0)
  pos += 2;
  for (let i = 0; i < nWit; i++, pos += n32) {
    ex.getWitness(i);
    for (let j = 0; j < n32; j++) out[pos + j] = ex.readSharedRWMemory(j);
  }
  return new Uint8Array(out.buffer);
}

/**
 * The witness section of a `.wtns` v2 file (nWitness × n8 little-endian field elements), checked
 * against the header.
 * @example const w = wtnsWitness(wc.calculate(input)) // w.length === nVars * 32
 */
export function wtnsWitness(wtns: Uint8Array): Uint8Array {
  const s = binSections(wtns, 'wtns', 2);
  const h = s.get(1);
  const w = s.get(2);
  const fail = (msg: string): never => {
    throw new BukejianError('INVALID_ENCODING', `wtns: ${msg}`);
  };
  if (!h || !w) return fail('section 1 or 2 missing');
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const n8 = h.length >= 4 ? dv.getUint32(0, true) : 0;
  if (n8 === 0 || n8 % 8 !== 0 || h.length !== 8 + n8) fail('header section');
  if (w.length !== n8 * dv.getUint32(4 + n8, true)) fail('witness section size');
  return w;
}
