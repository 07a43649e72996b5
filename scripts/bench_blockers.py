#!/usr/bin/env python3
"""Benchmark: `blockers --to 县级` (and 市级, impact of a widely cited provision) over a store.

Usage: scripts/bench_blockers.py --store DIR   (a store with the corpus and a large list loaded,
e.g. the one scripts/bench_load.py --store DIR filled). Prints items, seconds and phases.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import Counter

from quanze.devolution import blockers, gather, impact
from quanze.store import EmbeddedStore


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    args = ap.parse_args()
    store = EmbeddedStore(args.store)
    for to in ("县级", "市级"):
        t = time.perf_counter()
        out = blockers(store, to)
        total = time.perf_counter() - t
        print(f"blockers --to {to}: {len(out):,} items exercised above it assessed in {total:.1f} s  "
              f"{dict(Counter(a['status'] for a in out))}")
    facts = gather(store)
    cited = Counter(c for bs in facts.bases.values() for _, c in bs).most_common(1)[0][0]
    t = time.perf_counter()
    rows = impact(store, cited, "县级")
    print(f"impact of the most cited provision ({cited.rsplit('/law/', 1)[-1]}): {len(rows):,} items "
          f"in {time.perf_counter() - t:.1f} s")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
