// Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags this
// machine needs: no sandbox as root, no background networking (the network is closed).
import { chromium, type Browser } from 'playwright-core';
import { ensureDebianBinary } from './debian';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium (playwright-core gives it a fresh temporary profile). */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const executablePath = ensureDebianBinary('chromium', 'chromium');
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
