#!/usr/bin/env python3
"""Can a model learned from every hand label do what the rulebook does not? A measurement, not
part of Quanze: it needs scikit-learn (``pip install scikit-learn``), which Quanze does not depend on.

Usage: scripts/level_learned.py [--laws DIR] [--sets 20] [--threshold 0.5]

Every (unit, level) pair for which the unit names a body of that level (quanze.level.bodies) is a
candidate; a logistic regression over character n-grams around each such body, the unit's issuing
level and the rulebook's own answer decides whether the unit gives that level a power. For each
held-out sample it is trained on every other labelled unit (all twenty samples, the development set
and the cited units, less any unit of the held-out sample) and scored at (unit, level) granularity,
as the issue's bar counts: stacked on the rules, and alone. Set 20 is the only sample the rules were
never tuned on, so only its "rules" line is a fresh score; the learned lines are held out on every set.
"""

from __future__ import annotations

import argparse
import csv
import os
from collections import defaultdict
from pathlib import Path

from quanze.evaluation import _levels, unit_texts
from quanze.level import RANK, assign_levels, bodies
from quanze.settings import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
LABELS = {"1": "level_labels.csv", **{str(n): f"level_labels_{n}.csv" for n in range(2, 21)},
          "dev": "level_dev.csv", "cited": "level_labels_cited.csv"}
RULE_FEATURES = ("rule", "act=", "evidence")


def read_units(laws: Path) -> list[dict]:
    """Every labelled unit with its text, the labels' levels and the rulebook's answer."""
    units = []
    for sample, name in LABELS.items():
        with open(FIXTURES / name, encoding="utf-8") as fh:
            for row, text, issuing_level, title in unit_texts(laws, list(csv.DictReader(fh))):
                found = assign_levels(text, issuing_level=issuing_level, title=title)
                units.append({
                    "sample": sample, "key": (row["path"], row["article"], row["paragraph"], row["item"]),
                    "text": text, "issuing_level": issuing_level, "want": _levels(row["expected"]),
                    "found": found, "bodies": bodies(text, issuing_level=issuing_level, title=title)})
    return units


def _grams(prefix: str, s: str, longest: int) -> list[str]:
    return [f"{prefix}{k}:{s[i:i + k]}" for k in range(1, longest + 1) for i in range(len(s) - k + 1)]


def candidates(unit: dict, with_rules: bool) -> dict[str, list[str]]:
    """level → the features of the unit's bodies of that level."""
    groups = defaultdict(list)
    for b in unit["bodies"]:
        groups[b.group].append(b)
    rule_levels = {a.level for a in unit["found"]}
    out: dict[str, list[str]] = {}
    for members in groups.values():
        leveled = [b for b in members if b.level in RANK]
        if not leveled:
            continue
        lowest = max(leveled, key=lambda b: RANK[b.level])
        for b in leveled:
            f = out.setdefault(b.level, [
                f"level={b.level}", f"issuer={unit['issuing_level']}", f"pair={b.level}/{unit['issuing_level']}",
                f"rule={b.level in rule_levels}", f"rule/level={b.level in rule_levels}/{b.level}",
                *(f"act={a.act}" for a in unit["found"] if a.level == b.level),
                *(g for a in unit["found"] if a.level == b.level for g in _grams("evidence", a.evidence[-6:], 2))])
            f.append(f"lowest={b is lowest}")
            f += _grams("before", unit["text"][max(0, b.start - 10):b.start], 2)
            f += _grams("after", unit["text"][members[-1].end:members[-1].end + 24], 3)
    if not with_rules:
        out = {lv: [x for x in f if not x.startswith(RULE_FEATURES)] for lv, f in out.items()}
    return out


def score(units: list[dict], answers: dict[int, set[str]], sample: str) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for i, u in enumerate(units):
        if u["sample"] == sample:
            got = answers.get(i, set())
            tp, fp, fn = tp + len(got & u["want"]), fp + len(got - u["want"]), fn + len(u["want"] - got)
    return tp, fp, fn


def _figure(tp: int, fp: int, fn: int) -> str:
    return f"P {tp / (tp + fp) if tp + fp else 1:.3f} / R {tp / (tp + fn) if tp + fn else 1:.3f} ({tp}/{fp}/{fn})"


def main() -> None:
    from sklearn.feature_extraction import FeatureHasher  # noqa: PLC0415 — only this script needs it
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    ap = argparse.ArgumentParser()
    ap.add_argument("--laws", default=os.environ.get("QUANZE_LAWS", str(ROOT.parent / "shared" / "laws")))
    ap.add_argument("--sets", default="20", help="held-out samples, comma-separated")
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()
    units = read_units(Path(args.laws))
    hasher = FeatureHasher(n_features=2**20, input_type="string", alternate_sign=False)
    print(f"{len(units)} labelled units")
    for sample in args.sets.split(","):
        held = {u["key"] for u in units if u["sample"] == sample}
        rules = {i: {a.level for a in u["found"]} for i, u in enumerate(units) if u["sample"] == sample}
        print(f"set {sample}  rules            {_figure(*score(units, rules, sample))}")
        for with_rules in (True, False):
            rows = [(i, lv, f) for i, u in enumerate(units) for lv, f in candidates(u, with_rules).items()]
            x = hasher.transform(f for _, _, f in rows)
            y = [lv in units[i]["want"] for i, lv, _ in rows]
            train = [k for k, (i, _, _) in enumerate(rows) if units[i]["key"] not in held]
            test = [k for k, (i, _, _) in enumerate(rows) if units[i]["sample"] == sample]
            model = LogisticRegression(max_iter=2000).fit(x[train], [y[k] for k in train])
            answers: dict[int, set[str]] = defaultdict(set)
            for k, p in zip(test, model.predict_proba(x[test])[:, 1], strict=True):
                if p >= args.threshold:
                    answers[rows[k][0]].add(rows[k][1])
            name = "learned + rules" if with_rules else "learned alone  "
            print(f"set {sample}  {name}  {_figure(*score(units, answers, sample))}")
    print("(P / R (TP/FP/FN) at (unit, level); the bar: P >= 0.97, R >= 0.90)")


if __name__ == "__main__":
    main()
