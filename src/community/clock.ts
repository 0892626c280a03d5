/**
 * The community's notion of "now". Vote windows and voucher cycles are about
 * time, and tests must be able to stand exactly on a boundary; everything in
 * src/community reads time through here (tests replace it per process).
 */
let source: () => number = () => Date.now();

export function now(): number {
  return source();
}

export function setClockForTests(fn: () => number): void {
  source = fn;
}
