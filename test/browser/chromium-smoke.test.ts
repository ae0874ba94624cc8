import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';

let browser: Browser;
let close: () => Promise<void>;
let server: Server;
let origin: string;
beforeAll(async () => {
  ({ browser, close } = await launchChromium());
  server = createServer((_, res) => res.end('<!doctype html><title>ok</title>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await close?.();
  server?.close();
});

test('Debian Chromium starts headless and runs WebCrypto SHA-256 on a known vector', async () => {
  const page = await browser.newPage();
  await page.goto(origin); // a loopback origin is a secure context (crypto.subtle exists)
  const hex = await page.evaluate(async () => {
    const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'));
    return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
  // FIPS 180-2 appendix B.1
  expect(hex).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
