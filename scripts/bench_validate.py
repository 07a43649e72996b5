#!/usr/bin/env python3
"""Benchmark: validation after a 1,000-item load into a large store, and `validate --all`
measured beside plain pyshacl (the reference engine) on the same data, in the same run.

Usage: scripts/bench_validate.py --store DIR [--naive-timeout 600]
(a store holding the corpus and a large list, e.g. filled by scripts/bench_load.py --store DIR).
``--naive-timeout 0`` skips the pyshacl run (while iterating on the fast path).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

from quanze.lists import load_list, unload
from quanze.settings import ROOT
from quanze.store import EmbeddedStore
from quanze.validation import validate, validate_pending


def thousand(out: Path) -> int:
    """A new list of exactly 1,000 items: copies of the real sample with fresh codes, chains kept
    inside (a member cut off by the limit is dropped from its chain). Returns the row count."""
    with open(ROOT / "data/samples/shandong-provincial.csv", encoding="utf-8") as fh:
        sample = list(csv.DictReader(fh))
    rows = []
    for copy in range(-(-1000 // len(sample))):
        for r in sample:
            r = dict(r)
            r["事项编码"] = f"NEW-{copy}-{r['事项编码']}"
            r["关联事项"] = "；".join(f"NEW-{copy}-{c}" for c in filter(None, r["关联事项"].split("；")))
            rows.append(r)
    rows = rows[:1000]
    keep = {r["事项编码"] for r in rows}
    for r in rows:
        r["关联事项"] = "；".join(c for c in r["关联事项"].split("；") if c in keep)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(sample[0]))
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def _naive(path: str, q: mp.Queue) -> None:
    store = EmbeddedStore(path)
    t = time.perf_counter()
    report = validate(store, None, engine="pyshacl")
    q.put((time.perf_counter() - t, report.violations, report.warnings))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--naive-timeout", type=float, default=600)
    args = ap.parse_args()
    store = EmbeddedStore(args.store)
    items = store.select("SELECT (COUNT(?i) AS ?n) WHERE { ?i <https://w3id.org/quanze/ns#code> ?c }")[0]["n"]
    src = Path(tempfile.mkdtemp()) / "thousand.csv"
    thousand(src)
    spent: dict[str, float] = {}

    def timed(*a, **kw):
        t = time.perf_counter()
        r = validate_pending(*a, **kw)
        spent["validation"] = time.perf_counter() - t
        return r

    t = time.perf_counter()
    result = load_list(store, src, validator=timed, accept_violations=True)
    print(f"store holds {items:,} items; load of {result.rows:,} new items with validation: "
          f"{time.perf_counter() - t:.1f} s, of which validation {spent['validation']:.1f} s "
          f"({result.report.violations} violations, {result.report.warnings} warnings)")
    unload(store, "thousand")
    t = time.perf_counter()
    fast = validate(store, None)
    print(f"validate --all (fast path): {time.perf_counter() - t:.1f} s, {len(fast.focus):,} nodes, "
          f"{fast.violations:,} violations, {fast.warnings:,} warnings; peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB (this process; the workers' "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MB)")
    # Summed over batches; the workers' phases overlap with each other and with collecting.
    print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in fast.timings.items()))
    store.close()
    if args.naive_timeout <= 0:
        return
    q: mp.Queue = mp.Queue()
    proc = mp.get_context("fork").Process(target=_naive, args=(args.store, q))
    proc.start()
    proc.join(args.naive_timeout)
    if proc.is_alive():
        proc.kill()
        print(f"validate --all through pyshacl alone: did not finish in {args.naive_timeout:.0f} s")
    else:
        took, v, w = q.get()
        print(f"validate --all through pyshacl alone: {took:.1f} s ({v:,} violations, {w:,} warnings)")


if __name__ == "__main__":
    main()
