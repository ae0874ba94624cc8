#!/usr/bin/env node
// Civil affairs (民政): which of our allowance recipients are on the tax bureau's high-earner list?
// Chunked protocol: one HTTP POST per message, the recipients sent 2000 at a time, so memory stays
// bounded by the chunk size however long the list is.
// Run after server.mjs: node examples/psi-http/client.mjs [URL] [N]
import { psi } from 'bukejian/psi';
import { mask } from 'bukejian/mask';
import { lists } from './agencies.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:8787/psi';
const n = Number(process.argv[3] ?? 20000);
const { recipients, expected } = lists(n);
const t0 = performance.now();

const client = psi.chunkedClient(recipients, {
  group: 'x25519',
  canonical: 'id',
  mode: 'intersection',
  chunkSize: 2000,
  onProgress: (done, total) => process.stderr.write(`\r民政: ${done}/${total} recipients checked`),
});
let sent = 0;
let received = 0;
let message = await client.next(); // hello
while (message) {
  sent += message.length;
  const res = await fetch(url, {
    method: 'POST',
    body: message,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (!res.ok) throw new Error(`server refused: ${res.status} ${await res.text()}`);
  const reply = new Uint8Array(await res.arrayBuffer());
  received += reply.length;
  message = await client.next(reply);
}
const { intersection } = client.result();

const secs = (performance.now() - t0) / 1000;
process.stderr.write('\n');
console.log(
  `民政: ${intersection.length} of ${n} recipients are high earners (expected ${expected}), ${secs.toFixed(1)} s, ${client.stats.messages} messages, ${sent} bytes sent, ${received} bytes received`,
);
console.log(
  `first matches as staff see them: ${intersection
    .slice(0, 3)
    .map((id) => mask.idCard(id))
    .join(', ')}`,
);
