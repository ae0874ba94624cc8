// Node side: one Chromium and one 127.0.0.1 server for a browser test file, serving the bundled
// suites (see ./bundle.ts) plus any extra files.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium';
import { bundleForBrowser } from './bundle';
import { serveStatic, type StaticServer } from './page';

export interface Session {
  readonly browser: Browser;
  readonly server: StaticServer;
  close(): Promise<void>;
}

/** `suites`: name → entry file (absolute). The vitest shim is always bundled alongside. */
export async function startSession(
  suites: Record<string, string>,
  extra: Record<string, Uint8Array | string> = {},
): Promise<Session> {
  const files = new Map<string, Uint8Array | string>([
    ...(await bundleForBrowser({
      'vitest-shim': path.join(import.meta.dirname, 'vitest-shim.ts'),
      ...suites,
    })),
    ...Object.entries(extra),
  ]);
  const server = await serveStatic(files);
  const { browser, close } = await launchChromium();
  return {
    browser,
    server,
    close: async () => {
      await close();
      await server.close();
    },
  };
}
