// The HTML pages of `bukejian anonymize --report FILE.html` and `bukejian audit query --html` in
// headless Chromium (Debian's, via launchChromium): opened from file://, they load nothing else,
// their SVG charts have a size and bars, and the JSON report's figures are visible text.
// Full-page screenshots are kept in test-output/ (report-anon.png, report-audit.png).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { anonInputs, auditInputs, bkj, SUBJECT } from '../helpers/html-report-fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-html-browser-'));
const shots = path.resolve(__dirname, '..', '..', 'test-output');
let browser: Browser;
let close: () => Promise<void>;
beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  ({ browser, close } = await launchChromium());
});
afterAll(async () => {
  await close?.();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the file; returns the page and every URL it requested (only the file itself expected). */
async function open(file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, requests };
}

/** Width and height of every SVG chart, and the bars with a non-zero height in each. */
const charts = (page: Page) =>
  page.$$eval('svg', (svgs) =>
    svgs.map((s) => {
      const b = s.getBoundingClientRect();
      const bars = Array.from(s.querySelectorAll('rect')).filter(
        (r) => r.getBBox().height > 0,
      ).length;
      return { id: s.id, width: b.width, height: b.height, bars };
    }),
  );

test('anonymize report: charts drawn, figures visible, nothing loaded', async () => {
  const { cfg, csv } = anonInputs(dir);
  const out = path.join(dir, 'out.csv');
  bkj(['anonymize', '--config', cfg, csv, out, '--report', path.join(dir, 'r.json'), '--quiet']);
  const file = path.join(dir, 'r.html');
  bkj(['anonymize', '--config', cfg, csv, out, '--report', file, '--quiet']);
  const json = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));

  const { page, requests } = await open(file);
  expect(requests).toEqual([pathToFileURL(file).href]);
  const svgs = await charts(page);
  expect(svgs.map((s) => s.id)).toEqual(['class-sizes', 'prosecutor-risk']);
  for (const s of svgs) {
    expect(s.width).toBeGreaterThan(300);
    expect(s.height).toBeGreaterThan(100);
    expect(s.bars).toBeGreaterThan(2); // legend squares and at least one bar
  }
  const text = await page.innerText('body');
  expect(await page.innerText('#records')).toBe(String(json.records));
  expect(await page.innerText('#released')).toBe(String(json.releasedRecords));
  expect(await page.innerText('#classes-after')).toBe(String(json.classes));
  expect(await page.innerText('#lattice')).toBe(`${json.lattice.checked} of ${json.lattice.nodes}`);
  expect(await page.isVisible('#at-risk-after')).toBe(true);
  for (const [q, level] of Object.entries(json.transformation as Record<string, number>))
    expect(text).toMatch(new RegExp(`${q}\\s+${level}\\s`));
  await page.screenshot({ path: path.join(shots, 'report-anon.png'), fullPage: true });
  await page.close();
});

test('audit answer page: status chart drawn, each event with its proof status', async () => {
  const log = auditInputs(dir);
  const file = path.join(dir, 'answer.html');
  bkj(['audit', 'query', '--dir', log, '--subject', SUBJECT, '--html', file]);

  const { page, requests } = await open(file);
  expect(requests).toEqual([pathToFileURL(file).href]);
  const [svg] = await charts(page);
  expect(svg).toMatchObject({ id: 'status' });
  expect(svg!.width).toBeGreaterThan(300);
  expect(svg!.bars).toBe(2 + 1); // proven and not-yet-provable bars (failed: 0) and the legend
  expect(await page.innerText('#subject')).toBe(SUBJECT);
  const rows = await page.$$eval('#events tbody tr', (trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.innerText)),
  );
  expect(rows.map((r) => [r[0], r[5]])).toEqual([
    ['0', 'proven'],
    ['2', 'proven'],
    ['3', 'proven'],
    ['4', 'not yet provable'],
    ['6', 'not yet provable'],
  ]);
  expect(rows[2]![2]).toBe('市民政局 <script> / staff-4');
  await page.screenshot({ path: path.join(shots, 'report-audit.png'), fullPage: true });
  await page.close();
});
