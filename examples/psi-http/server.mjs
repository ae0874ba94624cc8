#!/usr/bin/env node
// The tax bureau (税务): answers chunked ECDH-PSI messages over HTTP (one POST per message). It
// never sees the civil-affairs list, and the client learns nothing about high earners who are
// not its recipients.
// Run: node examples/psi-http/server.mjs [PORT] [N] [--once]     (then client.mjs in another terminal)
import { createServer } from 'node:http';
import { psi } from 'bukejian/psi';
import { lists } from './agencies.mjs';

const port = Number(process.argv[2] ?? 8787);
const n = Number(process.argv[3] ?? 20000);
const { highEarners } = lists(n);
const opts = { group: 'x25519', canonical: 'id', mode: 'intersection' };

const server = psi.server(highEarners, {
  ...opts,
  onProgress: (done, total) => process.stderr.write(`\r税务: preparing ${done}/${total}`),
});
await server.prepare();
process.stderr.write(`\n税务: ${n} high earners ready on http://127.0.0.1:${port}/psi\n`);

const http = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/psi') return res.writeHead(404).end();
  const chunks = [];
  for await (const c of req) chunks.push(c);
  try {
    const reply = await server.handle(new Uint8Array(Buffer.concat(chunks)));
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(reply);
    // the reply to the last chunk closes an intersection-mode session
    const m = psi.decodeMessage(reply, { validate: false });
    if (m.type === 'chunk-reply' && m.last) {
      process.stderr.write(`税务: answered a session (${m.index + 1} chunks)\n`);
      if (process.argv.includes('--once')) http.close();
    }
  } catch (e) {
    // A malformed, replayed or out-of-order message gets a typed error code, never a stack trace or data.
    res.writeHead(400, { 'content-type': 'text/plain' }).end(e.code ?? 'ERROR');
  }
});
http.listen(port, '127.0.0.1');
