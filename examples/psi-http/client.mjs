#!/usr/bin/env node
// Civil affairs (民政): which of our allowance recipients are on the tax bureau's high-earner list?
// Run after server.mjs: node examples/psi-http/client.mjs [URL] [N]
import { psi } from 'bukejian/psi';
import { mask } from 'bukejian/mask';
import { lists } from './agencies.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:8787/psi';
const n = Number(process.argv[3] ?? 20000);
const { recipients, expected } = lists(n);
const t0 = performance.now();

const client = psi.client(recipients, {
  group: 'x25519',
  canonical: 'id',
  mode: 'intersection',
  onProgress: (done, total) => process.stderr.write(`\r民政: blinding ${done}/${total ?? n}`),
});
const m1 = await client.request();
process.stderr.write(`\n民政: sending ${m1.length} bytes\n`);
const res = await fetch(url, { method: 'POST', body: m1, headers: { 'content-type': 'application/octet-stream' } });
if (!res.ok) throw new Error(`server refused: ${res.status} ${await res.text()}`);
const m2 = new Uint8Array(await res.arrayBuffer());
const { intersection } = await client.finish(m2);

const secs = (performance.now() - t0) / 1000;
console.log(`民政: ${intersection.length} of ${n} recipients are high earners (expected ${expected}), ${secs.toFixed(1)} s, ${m2.length} bytes received`);
console.log(`first matches as staff see them: ${intersection.slice(0, 3).map((id) => mask.idCard(id)).join(', ')}`);
