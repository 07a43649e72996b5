#!/usr/bin/env python
"""What a SPARQL update with ``GRAPH ?g`` in its template costs the service, side by side with
the naive way.

A protocol update must not change a graph Quanze's loaders keep, and passes the same
validation as a load, so the service copies the graphs it may change before it runs and
compares them after (``api.writes.commit_write``). When the text names its graphs that copy is
small; for ``GRAPH ?g`` the graphs are whatever the ``WHERE`` binds. The naive way copies every
graph — the corpus's 1.15 M triples included. The service asks the store for the graphs the
``WHERE`` binds first (``api.sparql.update_scope``) and copies only those.

Each variant runs in a fresh child process over an in-memory store holding the reference data,
the whole corpus (``--laws`` or ``QUANZE_LAWS``), the sample lists and one hand-written graph of
``--triples`` links, then runs, through the service's own write path (validation included):

* ``DELETE { GRAPH ?g { ?s <urn:x:link> ?o } } WHERE { GRAPH ?g { ?s <urn:x:link> ?o } }``
* ``INSERT { GRAPH ?g { ?s <urn:x:seen> true } } WHERE { GRAPH ?g { ?s <urn:x:link> ?o } }``
  (before the delete)

and prints, per update and variant, the seconds and how far the process's resident memory
peaked above where it stood before the update (Linux: VmHWM, reset first); both variants must leave the same triples.

    python scripts/bench_update.py                  # corpus from QUANZE_LAWS
    python scripts/bench_update.py --laws ../shared/laws --triples 1000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAND = "https://w3id.org/quanze/id/graph/load/bench-by-hand"
UPDATES = {
    "insert": "INSERT { GRAPH ?g { ?s <urn:x:seen> true } } WHERE { GRAPH ?g { ?s <urn:x:link> ?o } }",
    "delete": "DELETE { GRAPH ?g { ?s <urn:x:link> ?o } } WHERE { GRAPH ?g { ?s <urn:x:link> ?o } }",
}


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> float:
    """Reset the process's peak resident memory to what it holds now (Linux: clear_refs 5), so the
    peak an update reaches is its own, not the store build's before it; the resident MB now."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def peak_mb() -> float:
    return _status_mb("VmHWM")


def run_variant(variant: str, laws: Path, triples: int) -> dict[str, object]:
    """In this process: build the store, run the updates the service's way or the naive way."""
    from api.sparql import update_scope
    from api.writes import commit_write
    from quanze.laws import import_corpus
    from quanze.lists import load_list
    from quanze.reference import init
    from quanze.store import EmbeddedStore

    store = EmbeddedStore(None)
    init(store)
    import_corpus(store, laws)
    for name in ("shandong-provincial.csv", "shandong-adjustments.csv"):
        load_list(store, ROOT / "data" / "samples" / name)
    links = " ".join(f"<urn:x:s{i}> <urn:x:link> <urn:x:o{i}> ." for i in range(triples))
    store.update(f"INSERT DATA {{ GRAPH <{HAND}> {{ {links} }} }}")
    out: dict[str, object] = {"variant": variant, "triples": store.count()}
    base = "http://127.0.0.1/sparql"
    for name, text in UPDATES.items():
        before = reset_peak()
        start = time.perf_counter()
        scope = (lambda t=text: update_scope(store, t, base)) if variant == "scoped" else None
        commit_write(store, scope, lambda _snapshot, t=text: store.update(t), protocol=True, exact=False)
        out[name] = {"seconds": round(time.perf_counter() - start, 2), "peak_growth_mb": round(peak_mb() - before)}
    out["hand_after"] = len(store.graph_triples(HAND))
    out["after"] = store.count()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--laws", type=Path, default=Path(os.environ["QUANZE_LAWS"]) if os.environ.get("QUANZE_LAWS")
                        else None, help="the law corpus (default: QUANZE_LAWS)")
    parser.add_argument("--triples", type=int, default=1000, help="links in the hand-written graph")
    parser.add_argument("--variant", choices=["scoped", "all"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.laws is None:
        parser.error("the law corpus: --laws DIR or QUANZE_LAWS")
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.laws, args.triples)))
        return
    results = []
    for variant in ("all", "scoped"):
        child = subprocess.run([sys.executable, __file__, "--variant", variant, "--laws", str(args.laws),
                                "--triples", str(args.triples)], capture_output=True, text=True, check=True)
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    naive, scoped = results
    if (naive["after"], naive["hand_after"]) != (scoped["after"], scoped["hand_after"]):
        sys.exit(f"the variants disagree: {naive} / {scoped}")
    print(f"store: {naive['triples']:,} triples; the hand-written graph: {args.triples:,} links")
    print(f"{'update':<8} {'every graph copied (naive)':>30} {'graphs the WHERE binds':>26}")
    for name in UPDATES:
        a, b = naive[name], scoped[name]
        print(f"{name:<8} {a['seconds']:>12.2f} s {a['peak_growth_mb']:>+10,} MB {b['seconds']:>10.2f} s "
              f"{b['peak_growth_mb']:>+8,} MB")


if __name__ == "__main__":
    main()
