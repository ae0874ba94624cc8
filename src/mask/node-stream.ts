/**
 * Node stream adapters for the web-standard `TransformStream`s of this module
 * (`csvPolicyStream`, `jsonLinesPolicyStream`, `redactStream`): `toNodeTransform` wraps one as a
 * Node `Duplex` that takes UTF-8 bytes or strings and emits strings, so it fits in
 * `stream.pipeline(fs.createReadStream(...), toNodeTransform(...), fs.createWriteStream(...))`.
 * Node-only: `node:stream` is reached through `process.getBuiltinModule`, so importing this module
 * in a browser bundle is harmless (calling it there throws UNSUPPORTED).
 * @module
 */
import type { Duplex } from 'node:stream';
import { needNodeModule } from '../_node.js';
import { BukejianError } from '../errors.js';

/**
 * Wraps a string→string `TransformStream` as a Node `Duplex` (UTF-8 decoded across chunk
 * boundaries on the way in).
 * @example
 * await pipeline(createReadStream('in.csv'), toNodeTransform(csvPolicyStream(policy, { purpose: 'stats' })), process.stdout)
 */
export function toNodeTransform(ts: TransformStream<string, string>): Duplex {
  const mod = needNodeModule('node:stream');
  if (!(ts instanceof TransformStream))
    throw new BukejianError('INVALID_TYPE', '"ts" expected TransformStream, got other');
  const decoder = new TextDecoderStream('utf-8');
  decoder.readable.pipeTo(ts.writable).catch(() => {
    /* errors surface on the readable side */
  });
  // DOM and Node typings of web streams differ; the objects are the same at run time.
  return mod.Duplex.fromWeb(
    { readable: ts.readable as never, writable: decoder.writable as never },
    { encoding: 'utf8' },
  );
}
