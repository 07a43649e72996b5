"""The level extractor measured on hand-labelled units drawn at random from the corpus.

Five samples of 200 units, each labelled by hand by a labeller who never saw the extractor
(tests/fixtures/level_labels.md … level_labels_5.md), each drawn excluding the earlier ones
and the development set:

* set 1 (seed 20201231) measured the first extractor: P 0.846, R 0.629;
* set 2 (seed 20210630) measured the second: P 0.95, R 0.59;
* set 3 (seed 20221231) measured the third: P 0.862, R 0.806;
* set 4 (seed 20230630) measured the same third extractor: P 0.800, R 0.842;
* set 5 (seed 20231231) was drawn and labelled blind while the fourth extractor was written
  from the errors of sets 3 and 4 (docs/level-rules.md, "Added after the fourth blind
  measurement"), and scored once, after: P 0.800, R 0.857 (24 / 6 / 4) — the honest figure.

Sets 1–4 had their errors named to the extractor's author and were tuned on: they guard
against regressions only. The issue's bar (precision >= 0.97, recall >= 0.90) is not reached
on the clean set 5; it stays here as a strict xfail, which fails loudly — and must become a
plain assertion — once it is reached. Tuning on set 5 spends it: a sixth blind sample is then
needed for an honest figure.
"""

import pytest

from quanze.evaluation import evaluate
from quanze.settings import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SETS = {f"set{i}": f"level_labels{'' if i == 1 else f'_{i}'}.csv" for i in range(1, 6)}
CLEAN = ("set5",)


@pytest.fixture(scope="module")
def scores(laws_dir):
    return {k: evaluate(laws_dir, FIXTURES / f) for k, f in SETS.items()}


def test_samples_are_200_units_with_enough_positives(scores):
    for s in scores.values():
        assert s.units == 200 and s.labelled >= 18


def test_no_regression_below_measured_figures(scores):
    assert scores["set1"].precision >= 0.97 and scores["set1"].recall >= 0.95
    assert scores["set2"].precision >= 0.97 and scores["set2"].recall >= 0.90
    assert scores["set3"].precision >= 0.89 and scores["set3"].recall >= 0.80
    assert scores["set4"].precision >= 0.94 and scores["set4"].recall >= 0.84
    assert scores["set5"].precision >= 0.80 and scores["set5"].recall >= 0.85


@pytest.mark.xfail(strict=True, reason="extractor below the issue's bar on the clean held-out set 5 (README)")
def test_issue_bar_on_clean_held_out_sets(scores):
    tp, fp, fn = (sum(getattr(scores[k], f) for k in CLEAN) for f in ("tp", "fp", "fn"))
    assert tp / (tp + fp) >= 0.97 and tp / (tp + fn) >= 0.90
