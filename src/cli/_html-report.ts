/**
 * Self-contained HTML pages for the CLI reports: one file, inline CSS and inline SVG, no script,
 * no font, no image and no URL (a Content-Security-Policy of `default-src 'none'` makes the
 * browser refuse any load). Every value goes through {@link esc}.
 * @module
 */

/** HTML-escapes text and attribute values (`& < > " '`). */
export function esc(v: unknown): string {
  return String(v).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A number for people: integers thousands-separated, others rounded to `d` decimals. */
export function num(x: number | null | undefined, d = 4): string {
  if (x == null || Number.isNaN(x)) return 'n/a';
  return Number.isInteger(x) ? x.toLocaleString('en-US') : String(Number(x.toFixed(d)));
}

const CSS = `
body{font:15px/1.45 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#1d2330}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccd}
dl{display:grid;grid-template-columns:max-content auto;gap:.25em 1.5em}dt{color:#556}dd{margin:0;font-weight:600}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#13703a}.bad{color:#b3261e}.wait{color:#8a5a00}
figure{margin:1em 0}figcaption{color:#556;font-size:.9em}
svg text{font:12px system-ui,sans-serif;fill:#1d2330}
`;

/** The whole page around `body` (already HTML). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${body}
</body>
</html>
`;
}

/** A `<dl>` of label → value; `id` on each value so tests and readers can find a figure. */
export function facts(rows: [id: string, label: string, value: string][]): string {
  return `<dl>${rows
    .map(([id, l, v]) => `<dt>${esc(l)}</dt><dd id="${esc(id)}">${esc(v)}</dd>`)
    .join('')}</dl>`;
}

/** A table: header cells and rows of cells (numbers right-aligned). */
export function table(head: string[], rows: (string | number)[][]): string {
  const cell = (c: string | number) =>
    typeof c === 'number' ? `<td class="n">${esc(num(c))}</td>` : `<td>${esc(c)}</td>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** One series of a bar chart. */
export interface Series {
  name: string;
  values: number[];
  color: string;
}

/**
 * A grouped bar chart as inline SVG: one group per category, one bar per series, each bar with
 * its value above it and a `<title>` tooltip.
 */
export function barChart(id: string, caption: string, categories: string[], series: Series[]) {
  const W = 720,
    H = 280,
    left = 50,
    bottom = 40,
    top = 30;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const groupW = (W - left - 10) / Math.max(1, categories.length);
  const barW = Math.max(4, (groupW - 12) / Math.max(1, series.length));
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  const parts: string[] = [];
  parts.push(
    `<line x1="${left}" y1="${H - bottom}" x2="${W - 5}" y2="${H - bottom}" stroke="#889"/>`,
    `<text x="${left - 6}" y="${top + 4}" text-anchor="end">${esc(num(max))}</text>`,
    `<text x="${left - 6}" y="${H - bottom}" text-anchor="end">0</text>`,
  );
  categories.forEach((c, i) => {
    const gx = left + i * groupW + 6;
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const x = gx + j * barW;
      const h = H - bottom - y(v);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${Math.max(v > 0 ? 1 : 0, h).toFixed(1)}" fill="${esc(s.color)}"><title>${esc(`${s.name}, ${c}: ${num(v)}`)}</title></rect>`,
        `<text x="${(x + (barW - 2) / 2).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle">${esc(num(v))}</text>`,
      );
    });
    parts.push(
      `<text x="${(gx + (series.length * barW) / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${esc(c)}</text>`,
    );
  });
  series.forEach((s, j) => {
    const x = W - 20 - (series.length - j) * 120;
    parts.push(
      `<rect x="${x}" y="6" width="12" height="12" fill="${esc(s.color)}"/>`,
      `<text x="${x + 18}" y="16">${esc(s.name)}</text>`,
    );
  });
  return `<figure><svg id="${esc(id)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(caption)}">${parts.join('')}</svg><figcaption>${esc(caption)}</figcaption></figure>`;
}
