"""The level extractor measured on hand-labelled units drawn at random from the corpus.

Three samples of 200 units, each labelled by hand by a labeller who never saw the extractor
(tests/fixtures/level_labels.md, level_labels_2.md, level_labels_3.md), each drawn excluding
the earlier ones and the development set:

* set 1 (seed 20201231) measured the first extractor: P 0.846, R 0.629;
* set 2 (seed 20210630) measured the second: P 0.95, R 0.59;
* set 3 (seed 20221231) was drawn and labelled while the third extractor was written, by
  someone who never saw it, and the extractor's author never saw set 3: the honest figure,
  P 0.862, R 0.806 (the second extractor scored P 0.846, R 0.710 on it).

Sets 1 and 2 had their errors named to the extractor's author and were tuned on (now P 1.00,
R 1.00 and P 1.00, R 0.94): they guard against regressions only. The issue's bar
(precision >= 0.97, recall >= 0.90) is not reached on the clean set; it stays here as a strict
xfail on set 3, which fails loudly — and must become a plain assertion — once it is reached.
Tuning on set 3 would spend it: a fourth blind sample is then needed for an honest figure.
"""

import pytest

from quanze.evaluation import evaluate
from quanze.settings import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SETS = {"set1": "level_labels.csv", "set2": "level_labels_2.csv", "set3": "level_labels_3.csv"}


@pytest.fixture(scope="module")
def scores(laws_dir):
    return {k: evaluate(laws_dir, FIXTURES / f) for k, f in SETS.items()}


def test_samples_are_200_units_with_enough_positives(scores):
    for s in scores.values():
        assert s.units == 200 and s.labelled >= 29


def test_no_regression_below_measured_figures(scores):
    assert scores["set1"].precision >= 0.97 and scores["set1"].recall >= 0.95
    assert scores["set2"].precision >= 0.97 and scores["set2"].recall >= 0.90
    assert scores["set3"].precision >= 0.85 and scores["set3"].recall >= 0.80


@pytest.mark.xfail(strict=True, reason="extractor below the issue's bar on the clean held-out set 3 (README)")
def test_issue_bar_on_clean_held_out_set(scores):
    assert scores["set3"].precision >= 0.97 and scores["set3"].recall >= 0.90
