import fc from "fast-check";
import t from "tap";
import {
  checkAgainstSeen,
  entryHash,
  formatHead,
  GENESIS_HASH,
  type LedgerEntry,
  nextEntry,
  parseHead,
  verifyChain,
} from "../../src/community/ledger.js";

function chain(n: number): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  for (let i = 0; i < n; i++)
    out.push(nextEntry(out.at(-1) ?? null, "vote-result", { vote: i + 1, outcome: "passed" }, 1_700_000_000_000 + i));
  return out;
}

t.test("a fresh chain verifies and links each entry to the previous hash", async (t) => {
  const c = chain(5);
  t.equal(c[0]?.prevHash, GENESIS_HASH);
  t.equal(c[3]?.prevHash, c[2]?.hash);
  t.same(verifyChain(c), { ok: true, length: 5, head: `5:${c[4]?.hash}` });
  t.same(verifyChain([]), { ok: true, length: 0, head: `0:${GENESIS_HASH}` });
});

t.test("changing a payload breaks that entry", async (t) => {
  const c = chain(5);
  c[2] = { ...c[2]!, payload: { vote: 3, outcome: "failed" } };
  t.same(verifyChain(c), { ok: false, seq: 3, reason: "hash does not match the entry's content" });
});

t.test("rewriting an entry with a recomputed hash breaks the next link", async (t) => {
  const c = chain(5);
  const forged = { ...c[1]!, payload: { vote: 2, outcome: "failed" } };
  c[1] = { ...forged, hash: entryHash(forged) };
  t.match(verifyChain(c), { ok: false, seq: 3, reason: /prevHash/ });
});

t.test("a dropped entry is reported as missing", async (t) => {
  const c = chain(4);
  c.splice(1, 1);
  t.match(verifyChain(c), { ok: false, seq: 2, reason: /missing/ });
});

t.test("any single-field change anywhere is detected (property)", async () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(), fc.constantFrom("type", "payload", "at"), (n, k, field) => {
      const c = chain(n);
      const i = k % n;
      const e = c[i]!;
      c[i] =
        field === "type"
          ? { ...e, type: "election" }
          : field === "payload"
            ? { ...e, payload: { x: 1 } }
            : { ...e, at: e.at + 1 };
      const r = verifyChain(c);
      return !r.ok && r.seq === i + 1;
    }),
  );
});

t.test("a follower's seen heads catch a history rewritten consistently from scratch", async (t) => {
  const original = chain(4);
  const seen = [{ seq: 3, hash: original[2]!.hash }];
  t.same(checkAgainstSeen(original, seen), { ok: true });
  // The forger rebuilds the whole chain so it verifies on its own.
  const rewritten: LedgerEntry[] = [];
  for (const e of original)
    rewritten.push(
      nextEntry(rewritten.at(-1) ?? null, e.type, e.seq === 2 ? { vote: 2, outcome: "failed" } : e.payload, e.at),
    );
  t.equal(verifyChain(rewritten).ok, true, "the rewritten chain is internally consistent");
  t.match(checkAgainstSeen(rewritten, seen), { ok: false, seq: 3, reason: /rewritten/ });
  t.match(checkAgainstSeen(original.slice(0, 2), seen), { ok: false, seq: 3, reason: /gone/ });
});

t.test("heads travel as <seq>:<hash>", async (t) => {
  const c = chain(2);
  const head = formatHead(c[1]!);
  t.same(parseHead(head), { seq: 2, hash: c[1]!.hash });
  t.equal(parseHead("2:nothex"), null);
});
