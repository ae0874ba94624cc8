// examples/citizen-web in headless Chromium, as a citizen uses it: load a credential file, keep it
// encrypted in IndexedDB (SM4-GCM, PBKDF2-HMAC-SM3), paste the verifier's request, prove in a Web
// Worker, send the proof, read the verifier's decision. Screenshots of the states go to
// test-output/citizen-web/ (gitignored).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { repoRoot } from './runner/bundle';

// the example's server is plain JavaScript (node examples/citizen-web/server.mjs)
type App = {
  origin: string;
  wallets: Record<'eligible' | 'ineligible', unknown>;
  requests: { method: string; path: string }[];
  stats: Map<string, number>;
  close(): Promise<void>;
};
const { startCitizenWeb } = (await import(
  path.join(repoRoot, 'examples/citizen-web/server.mjs')
)) as { startCitizenWeb(o: { port: number; tamper?: 'zkey' }): Promise<App> };

const shots = path.join(repoRoot, 'test-output/citizen-web');
const PASS = '正确的口令 correct horse';

let browser: Browser;
let closeBrowser: () => Promise<void>;
let app: App;
beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startCitizenWeb({ port: 0 });
  ({ browser, close: closeBrowser } = await launchChromium());
});
afterAll(async () => {
  await closeBrowser?.();
  await app?.close();
});

async function open(ctx: BrowserContext, origin: string, query = ''): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${origin}/${query}`);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

async function loadWallet(page: Page, which: 'eligible' | 'ineligible'): Promise<void> {
  await page.setInputFiles('#file', {
    name: `${which}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(app.wallets[which])),
  });
  await page.fill('#new-passphrase', PASS);
  await page.click('#save');
  await page.waitForSelector('#vault-status[data-state=unlocked]');
}

async function requestAndProve(page: Page): Promise<string> {
  await page.click('#fetch-request');
  await page.waitForSelector('#disclosure:not([hidden])');
  await page.click('#prove');
  const result = page.locator('#result:not([hidden])');
  await result.waitFor({ timeout: 60_000 });
  return (await result.getAttribute('data-state'))!;
}

const artifactBytes = (a: App) =>
  [...a.stats].filter(([p]) => p.startsWith('/artifacts/')).reduce((n, [, b]) => n + b, 0);

describe('citizen-web', () => {
  let ctx: BrowserContext;
  afterAll(() => ctx?.close());

  it('eligible credential: proved in the worker, sent, accepted by the verifier', async () => {
    ctx = await browser.newContext({ viewport: { width: 760, height: 1100 } });
    const page = await open(ctx, app.origin);
    // no COOP/COEP headers: the worker and the engine's nested workers need no cross-origin isolation
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
    // the page's prefetch downloads the artifacts before the citizen asks for a proof
    await expect.poll(() => artifactBytes(app), { timeout: 60_000 }).toBeGreaterThan(1_000_000);
    await loadWallet(page, 'eligible');
    expect(await page.textContent('#disclosure')).toContain('匿名编号');
    // the worker forwards eligibility.prove's onProgress; record what the page shows, in order
    await page.evaluate(() => {
      const seen: string[] = [];
      (globalThis as unknown as { seen: string[] }).seen = seen;
      const note = () => {
        const active = document.querySelector('#stages li[data-state=active]')?.id ?? '-';
        const bar = (document.getElementById('progress-bar') as HTMLProgressElement).value;
        const entry = `${active}@${Math.round(bar)}`;
        if (seen.at(-1) !== entry) seen.push(entry);
      };
      new MutationObserver(note).observe(document.getElementById('progress')!, {
        subtree: true,
        attributes: true,
        childList: true,
        characterData: true,
      });
    });
    expect(await requestAndProve(page)).toBe('proved');
    for (const s of ['artifacts', 'witness', 'proving'])
      expect(await page.getAttribute(`#stage-${s}`, 'data-state')).toBe('done');
    // each phase once, in order: artifacts, witness, proving, done
    expect(await page.getAttribute('#progress', 'data-stages')).toBe(
      'artifacts witness proving done',
    );
    // what was displayed: the active stage moved forward only, and the bar grew while proving
    const seen = await page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);
    const order = ['stage-artifacts', 'stage-witness', 'stage-proving', '-'];
    const stages = seen.map((e) => order.indexOf(e.split('@')[0]!));
    expect(stages.every((x, i) => x >= 0 && (i === 0 || x >= stages[i - 1]!))).toBe(true);
    expect(stages).toContain(1);
    const bars = seen.filter((e) => e.startsWith('stage-proving@')).map((e) => +e.split('@')[1]!);
    expect(bars.length).toBeGreaterThanOrEqual(3); // 0 %, intermediate steps, 100 %
    expect(bars.every((b, i) => i === 0 || b > bars[i - 1]!)).toBe(true);
    expect(await page.textContent('#timing')).toMatch(/计算见证 [\d.]+ 秒，生成证明 [\d.]+ 秒/);
    const before = app.requests.length;
    await page.click('#send');
    await page.waitForSelector('#result[data-state=eligible]');
    expect(app.requests.slice(before)).toEqual([{ method: 'POST', path: '/api/verify' }]);
    expect(await page.textContent('#result')).toContain('符合「高龄津贴」条件');
    await page.screenshot({ path: path.join(shots, 'eligible.png'), fullPage: true });
    await page.close();
  });

  it('reload: the stored credential is encrypted, a wrong passphrase cannot open it, artifacts come from the cache', async () => {
    const page = await open(ctx, app.origin);
    expect(await page.isVisible('#vault-stored')).toBe(true);
    expect(await page.textContent('#stored-label')).toContain('1950');
    // what IndexedDB holds: no plaintext field of the credential, no holder secret
    const stored = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const r = indexedDB.open('bukejian-citizen-web');
          r.onerror = () => reject(r.error);
          r.onsuccess = () => {
            const g = r.result.transaction('vault').objectStore('vault').get('credential');
            g.onsuccess = () => {
              const v = g.result as Record<string, unknown>;
              resolve(
                JSON.stringify(v, (_, x) =>
                  x instanceof Uint8Array ? Array.from(x).join(',') : x,
                ),
              );
              r.result.close();
            };
          };
        }),
    );
    const wallet = app.wallets.eligible as { holderSecret: string };
    expect(stored).toContain('"ciphertext"');
    expect(stored).not.toContain(wallet.holderSecret);
    expect(stored).not.toContain('birthDate');
    expect(stored).not.toContain('19500312');
    // wrong passphrase: refused, nothing unlocked, proving impossible
    await page.fill('#passphrase', '错误的口令 wrong');
    await page.click('#unlock');
    await page.waitForSelector('#vault-status[data-state=wrong-passphrase]');
    expect(await page.textContent('#vault-status')).toContain('口令错误');
    await page.click('#fetch-request');
    await page.waitForSelector('#disclosure:not([hidden])');
    expect(await page.isDisabled('#prove')).toBe(true);
    await page.screenshot({ path: path.join(shots, 'wrong-passphrase.png'), fullPage: true });
    // right passphrase: unlocked; a second proof uses the cached (re-hashed) artifacts
    await page.fill('#passphrase', PASS);
    await page.click('#unlock');
    await page.waitForSelector('#vault-status[data-state=unlocked]');
    const downloaded = artifactBytes(app);
    expect(downloaded).toBeGreaterThan(1_000_000);
    await page.click('#prove');
    await page.waitForSelector('#result[data-state=proved]', { timeout: 90_000 });
    expect(await page.getAttribute('#stage-artifacts', 'title')).toBe('来自本机缓存（已校验）');
    expect(artifactBytes(app)).toBe(downloaded);
    await page.close();
  });

  it('ineligible credential: a clear refusal, and nothing is sent to the verifier', async () => {
    const c = await browser.newContext({ viewport: { width: 760, height: 1100 } });
    const page = await open(c, app.origin, '?prefetch=0'); // the refusal needs no engine
    await loadWallet(page, 'ineligible');
    const before = app.requests.length;
    expect(await requestAndProve(page)).toBe('not-eligible');
    expect(await page.textContent('#result')).toContain('不满足「高龄津贴」的条件');
    expect(await page.textContent('#result')).toContain('没有向核验方发送任何信息');
    expect(await page.isVisible('#send')).toBe(false);
    // the only call: fetching the request; no proof and no answer went to the verifier
    expect(app.requests.slice(before)).toEqual([{ method: 'GET', path: '/api/request' }]);
    await page.screenshot({ path: path.join(shots, 'not-eligible.png'), fullPage: true });
    await c.close();
  });

  it('tampered artifact: refused before use, nothing proved, nothing sent', async () => {
    const bad = await startCitizenWeb({ port: 0, tamper: 'zkey' });
    try {
      const c = await browser.newContext({ viewport: { width: 760, height: 1100 } });
      const page = await open(c, bad.origin);
      await loadWallet(page, 'eligible');
      expect(await requestAndProve(page)).toBe('artifact-refused');
      expect(await page.textContent('#result')).toContain('SHA-256');
      expect(bad.requests).toEqual([{ method: 'GET', path: '/api/request' }]);
      // and it was not cached: the next attempt downloads (and refuses) it again
      const once = artifactBytes(bad);
      await page.click('#prove');
      await page.waitForSelector('#result[data-state=artifact-refused]');
      expect(artifactBytes(bad)).toBeGreaterThan(once);
      await page.screenshot({ path: path.join(shots, 'artifact-refused.png'), fullPage: true });
      await c.close();
    } finally {
      await bad.close();
    }
  });
});
