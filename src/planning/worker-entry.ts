/**
 * Where a planner worker's source is: beside this file, `.js` once compiled,
 * `.ts` when run through tsx. tsx's loader is registered in the main thread
 * only, so a `.ts` worker first registers it again, then imports the entry.
 */
export function workerEntry(name: string): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith(".ts")) return [new URL(`./${name}.js`, import.meta.url), {}];
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL(`./${name}.ts`, import.meta.url).href);
  return [`import(${api}).then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true }];
}
