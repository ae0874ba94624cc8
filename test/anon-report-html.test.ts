// `bukejian anonymize --report report.html` (issue 20): the page holds the JSON report's figures,
// its charts count what the released CSV holds (class sizes recomputed here from the CSV), and it
// needs no network (no external reference of any kind). Built dist/cli.js; synthetic people.
// The rendering itself is checked in headless Chromium by test/browser/report-html.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, recordsToRows } from '../src/anon/csv.js';
import { runReports } from './helpers/anon-report-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bukejian-report-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('anonymize --report report.html', () => {
  const { json, html, csv } = runReports(dir);
  const cell = (id: string) =>
    new RegExp(`<tr id="fig-${id}"><th>[^<]*</th><td class="n">([^<]*)</td>`).exec(html)?.[1];

  it('shows the figures of the JSON report and embeds the same report', () => {
    const embedded = JSON.parse(
      /<script type="application\/json" id="report">(.*?)<\/script>/s.exec(html)![1]!,
    );
    expect({ ...embedded, timeMs: 0 }).toEqual({ ...json, timeMs: 0 });
    expect(cell('records')).toBe(String(json.records));
    expect(cell('released')).toBe(String(json.releasedRecords));
    expect(cell('suppressed')).toBe(String(json.suppressed));
    expect(cell('classes')).toBe(String(json.classes));
    const lattice = json.lattice as { nodes: number; checked: number };
    expect(cell('lattice')).toBe(`${lattice.checked} of ${lattice.nodes}`);
    const risk = json.risk as { after: { prosecutor: { maximum: number } } };
    expect(Number(cell('max-risk'))).toBeCloseTo(risk.after.prosecutor.maximum, 4);
    for (const [q, level] of Object.entries(json.transformation as Record<string, number>))
      expect(html).toContain(`<tr><td>${q}</td><td class="n">${level}</td></tr>`);
  });

  it('its charts count the released CSV: records per class size, none at risk after k = 5', () => {
    const rows = recordsToRows(parseCsv(csv));
    expect(rows.length).toBe(json.releasedRecords);
    const classes = new Map<string, number>();
    for (const r of rows) {
      const k = `${r.age}|${r.county}|${r.sex}`;
      classes.set(k, (classes.get(k) ?? 0) + 1);
    }
    const bin = (lo: number, hi: number) =>
      [...classes.values()].filter((s) => s >= lo && s <= hi).reduce((a, s) => a + s, 0);
    const shown = (label: string) =>
      Number(new RegExp(`<title>after ${label}: (\\d+)</title>`).exec(html)![1]);
    expect(shown('1')).toBe(0);
    expect(shown('5–9')).toBe(bin(5, 9));
    expect(shown('10–19')).toBe(bin(10, 19));
    expect(shown('20–49')).toBe(bin(20, 49));
    expect(shown('50\\+')).toBe(bin(50, Infinity));
    expect(cell('at-risk')).toBe('0');
    expect(Number(cell('at-risk-before'))).toBeGreaterThan(0);
  });

  it('is self-contained: no external reference, no executable script', () => {
    const refs = html.match(/\b(?:src|href|url)\s*[=(]/gi) ?? [];
    expect(refs).toEqual([]);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="application/json" id="report">',
    ]);
  });
});
