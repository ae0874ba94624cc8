import { describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toNodeTransform } from '../src/mask/node-stream.js';
import { redactStream, redact } from '../src/mask/index.js';
import { BukejianError } from '../src/errors.js';

async function through(
  chunks: (string | Buffer)[],
  ts: TransformStream<string, string>,
): Promise<string> {
  let out = '';
  await pipeline(
    Readable.from(chunks),
    toNodeTransform(ts),
    new Writable({
      write(c, _e, cb) {
        out += c.toString();
        cb();
      },
    }),
  );
  return out;
}

describe('toNodeTransform', () => {
  // Synthetic identifiers: the GB 11643 example ID and an invented mobile number.
  const text = '申请人身份证号11010519491231002X，联系电话13812345678，请核对。';

  it('redacts through a Node pipeline exactly as redact() does, with multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from(text, 'utf8');
    for (const cut of [1, 5, 8, 20, 31, bytes.length - 1]) {
      const out = await through([bytes.subarray(0, cut), bytes.subarray(cut)], redactStream());
      expect(out).toBe(redact(text));
    }
    expect(redact(text)).not.toContain('13812345678');
  });

  it('accepts string chunks', async () => {
    expect(await through([text.slice(0, 9), text.slice(9)], redactStream())).toBe(redact(text));
  });

  it('rejects a non-TransformStream with INVALID_TYPE', () => {
    expect(() => toNodeTransform({} as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
    try {
      toNodeTransform({} as never);
    } catch (e) {
      expect((e as BukejianError).code).toBe('INVALID_TYPE');
    }
  });
});
