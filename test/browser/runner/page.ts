// Node side: a static HTTP server on 127.0.0.1 (a loopback origin is a secure context: WebCrypto
// and crypto.getRandomValues behave as on https) serving bundled test code and any extra files,
// and a helper that runs one bundled suite in a fresh Chromium page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { Result } from './vitest-shim';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** The suite runner page: imports the shim and a suite module on request (see runSuite). */
const DEFAULTS: Record<string, string> = {
  '/index.html':
    '<!doctype html><meta charset="utf-8"><title>bukejian browser tests</title><script type="module" src="/run.js"></script>',
  '/run.js': `window.__runSuite = async (suite, fixtures) => {
  globalThis.__fixtures = fixtures;
  const shim = await import('/vitest-shim.js');
  await import('/' + suite + '.js');
  const results = await shim.run();
  return { selfCheck: shim.selfCheck(), results, out: globalThis.__out ?? null };
};`,
};

export interface StaticServer {
  readonly origin: string;
  /** Every request path, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function serveStatic(files: Map<string, Uint8Array | string>): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname);
    const p = url.pathname === '/' ? '/index.html' : url.pathname;
    const body = files.get(p) ?? DEFAULTS[p];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const ext = p.slice(p.lastIndexOf('.'));
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Opens a fresh page, hands it `fixtures`, imports `/<suite>.js` (which registers its tests
 * through the vitest shim) and runs it. Page errors are returned too, and `globalThis.__out`
 * (what a suite hands back to the Node side).
 */
export async function runSuite(
  browser: Browser,
  origin: string,
  suite: string,
  fixtures: unknown = null,
): Promise<{ results: Result[]; selfCheck: boolean; pageErrors: string[]; out: unknown }> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => '__runSuite' in window);
    type Run = (
      s: string,
      f: unknown,
    ) => Promise<{ selfCheck: boolean; results: Result[]; out: unknown }>;
    const r = await page.evaluate(
      ([s, f]) => (window as unknown as { __runSuite: Run }).__runSuite(s as string, f),
      [suite, fixtures] as const,
    );
    return { ...r, pageErrors };
  } finally {
    await page.close();
  }
}
