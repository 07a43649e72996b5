#!/usr/bin/env python3
"""Benchmark: loading a large 权责清单 (rows made from the real sample) without validation.

Usage: scripts/bench_load.py [--rows 100000] [--store DIR] [--laws DIR] [--floor]

With no --store it builds a fresh on-disk store in a temporary folder (reference data and the
whole corpus, since every row's 设定依据 must resolve). Prints the phases, rows/s, triples/s and
the peak memory of the process.

--floor also times RocksDB's bulk loader alone on the same triples, handed over as N-Quads text
for Rust to parse, into a new empty on-disk store and into memory: the rate no Python work on the
rows can beat on this machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from quanze.laws import import_corpus
from quanze.lists import load_list
from quanze.reference import init
from quanze.settings import ROOT
from quanze.store import EmbeddedStore


def make_rows(n: int, out: Path) -> int:
    """At least n rows: whole copies of the sample with unique codes, so that every 关联事项
    stays inside its copy. Returns the number of rows written."""
    with open(ROOT / "data/samples/shandong-provincial.csv", encoding="utf-8") as fh:
        sample = list(csv.DictReader(fh))
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(sample[0]))
        w.writeheader()
        total = -(-n // len(sample)) * len(sample)
        for i in range(total):
            copy, row = divmod(i, len(sample))
            r = dict(sample[row])
            r["事项编码"] = f"{r['事项编码']}-{copy:04d}"
            r["关联事项"] = "；".join(f"{c}-{copy:04d}" for c in filter(None, r["关联事项"].split("；")))
            w.writerow(r)
    return total


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(store: EmbeddedStore, graph: str, tmp: Path) -> None:
    node = ox.NamedNode(graph)
    data = ox.serialize((ox.Quad(t.subject, t.predicate, t.object, node) for t in store.graph_triples(graph)),
                        format=ox.RdfFormat.N_QUADS)
    n = data.count(b"\n")
    for where, target in (("a new on-disk store", ox.Store(str(tmp / "floor"))), ("memory", ox.Store())):
        t = time.perf_counter()
        target.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        took = time.perf_counter() - t
        print(f"floor: bulk_load of the same {n:,} quads into {where}: {took:.1f} s — {n / took:,.0f} quads/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--store")
    ap.add_argument("--laws", default=os.environ.get("QUANZE_LAWS", str(ROOT.parent / "shared" / "laws")))
    ap.add_argument("--floor", action="store_true", help="also time the bulk loader alone on the same triples")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="quanze-bench-"))
    store = EmbeddedStore(args.store or tmp / "store")
    if not args.store:
        t = time.perf_counter()
        init(store)
        import_corpus(store, Path(args.laws))
        print(f"setup: reference + corpus import {time.perf_counter() - t:.1f} s")
    src = tmp / f"bench-{args.rows}.csv"
    rows = make_rows(args.rows, src)
    t = time.perf_counter()
    result = load_list(store, src)
    took = time.perf_counter() - t
    print(f"load {rows:,} rows: {took:.1f} s — {rows / took:,.0f} rows/s, "
          f"{result.triples / took:,.0f} triples/s ({result.triples:,} triples), peak memory {peak_mb():,.0f} MB")
    t = time.perf_counter()
    again = load_list(store, src)
    print(f"reload, unchanged: {time.perf_counter() - t:.1f} s (+{again.inserted} −{again.deleted})")
    if args.floor:
        floor(store, result.graph, tmp)
    store.close()


if __name__ == "__main__":
    main()
