// Values the Node side of a browser test computed (with node:crypto and other independent
// implementations) and handed to the page before the suite module is imported (see ./page.ts).
export function fixtures<T>(): T {
  const f = (globalThis as { __fixtures?: T }).__fixtures;
  if (f === undefined) throw new Error('no fixtures were handed to this page');
  return f;
}
