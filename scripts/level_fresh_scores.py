#!/usr/bin/env python3
"""The level extractor on each blind sample, scored on the extractor frozen before that sample
was drawn (the sample's write-up, tests/fixtures/level_labels_N.md, names the commit), and pooled.

Usage: scripts/level_fresh_scores.py [--laws DIR]   (needs the git history: run it in a clone)

Prints, per sample and pooled, three scores: at (unit, level) granularity as the issue's bar
counts them, and per unit on the devolution analysis's question for 县级 and for 市级 (does the
unit fix a level above the target?). A sample scored after rules were written from it would
overstate the extractor; these are the figures for text it had never seen.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from quanze.evaluation import Score, evaluate
from quanze.settings import ROOT

# sample → the commit whose quanze/level.py scored it first (see each write-up's "Scored").
FROZEN = {12: "73f75ad", 13: "926549c", 14: "1b07e20", 15: "799f0ac", 16: "ed04c4e",
          17: "5e3a11c", 18: "30f5be6", 19: "81f00da", 20: "c3d10f5"}
QUESTIONS = {"levels": None, "blocks 县级": frozenset({"national", "provincial", "municipal"}),
             "blocks 市级": frozenset({"national", "provincial"})}


def frozen_extractor(commit: str, folder: Path):
    """assign_levels as it was at ``commit``."""
    source = subprocess.run(["git", "show", f"{commit}:quanze/level.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = folder / f"level_{commit}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"level_{commit}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.assign_levels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--laws", default=os.environ.get("QUANZE_LAWS", str(ROOT.parent / "shared" / "laws")))
    laws = Path(ap.parse_args().laws)
    pooled = {q: Score() for q in QUESTIONS}
    print("sample commit   " + "   ".join(f"{q:>24}" for q in QUESTIONS))
    with tempfile.TemporaryDirectory() as tmp:
        for n, commit in FROZEN.items():
            extractor = frozen_extractor(commit, Path(tmp))
            cells = []
            for q, above in QUESTIONS.items():
                s = evaluate(laws, ROOT / "tests" / "fixtures" / f"level_labels_{n}.csv", extractor=extractor, above=above)
                p = pooled[q]
                p.tp, p.fp, p.fn = p.tp + s.tp, p.fp + s.fp, p.fn + s.fn
                cells.append(f"{s.precision:.3f}/{s.recall:.3f} ({s.tp}/{s.fp}/{s.fn})")
            print(f"set {n:<3} {commit}  " + "   ".join(f"{c:>24}" for c in cells))
    print("pooled          " + "   ".join(f"{f'{p.precision:.3f}/{p.recall:.3f} ({p.tp}/{p.fp}/{p.fn})':>24}"
                                         for p in pooled.values()))
    print("(P/R (TP/FP/FN); the bar: P >= 0.97, R >= 0.90)")


if __name__ == "__main__":
    main()
