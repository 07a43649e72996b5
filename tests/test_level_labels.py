"""The level extractor measured on hand-labelled units drawn at random from the corpus.

Two samples of 200 units, each labelled by hand by a labeller who never saw the extractor
(tests/fixtures/level_labels.md and level_labels_2.md):

* set 1 (seed 20201231) measured the first extractor: P 0.846, R 0.629. Its error classes were
  then named to the extractor's author, so it is no longer a clean held-out set (now P 1.00,
  R 0.886) — kept as a regression guard;
* set 2 (seed 20210630, excluding set 1 and the development set) was drawn and labelled after
  that change and is the honest figure: P 0.95, R 0.59.

The issue's bar (precision >= 0.97, recall >= 0.90) is not reached; it stays here as a strict
xfail on set 2, which fails loudly — and must become a plain assertion — once it is reached.
"""

import pytest

from quanze.evaluation import evaluate
from quanze.settings import ROOT

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def scores(laws_dir):
    return {k: evaluate(laws_dir, FIXTURES / f) for k, f in (("set1", "level_labels.csv"), ("set2", "level_labels_2.csv"))}


def test_samples_are_200_units_with_enough_positives(scores):
    for s in scores.values():
        assert s.units == 200 and s.labelled >= 30


def test_no_regression_below_measured_figures(scores):
    assert scores["set1"].precision >= 0.97 and scores["set1"].recall >= 0.85
    assert scores["set2"].precision >= 0.93 and scores["set2"].recall >= 0.57


@pytest.mark.xfail(strict=True, reason="extractor below the issue's bar on the clean held-out set (README)")
def test_issue_bar_on_clean_held_out_set(scores):
    assert scores["set2"].precision >= 0.97 and scores["set2"].recall >= 0.90
