// The anonymization HTML report renders in headless Chromium (Debian's, via playwright-core)
// without any network request; a screenshot is kept in test-output/ (gitignored) with the run.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { runReports } from '../helpers/anon-report-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-report-browser-'));
const outDir = path.resolve(__dirname, '..', '..', 'test-output');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('anonymize report.html in Chromium', () => {
  it('renders the figures and both charts, requests nothing but the file, screenshot kept', async () => {
    const { json } = runReports(dir);
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage({ viewport: { width: 800, height: 1200 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(path.join(dir, 'report.html')).href;
      await page.goto(url);
      expect(requests).toEqual([url]);
      expect(await page.textContent('#fig-records td')).toBe(String(json.records));
      expect(await page.textContent('#fig-released td')).toBe(String(json.releasedRecords));
      for (const id of ['#chart-class-sizes', '#chart-risk']) {
        const box = await page.locator(`${id} svg`).boundingBox();
        expect(box!.width).toBeGreaterThan(300);
        expect(box!.height).toBeGreaterThan(100);
        const bars = await page
          .locator(`${id} rect`)
          .evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
        expect(bars.some((h) => h > 10)).toBe(true);
      }
      mkdirSync(outDir, { recursive: true });
      const shot = path.join(outDir, 'anonymize-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    } finally {
      await chromium.close();
    }
  });
});
