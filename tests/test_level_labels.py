"""The level extractor measured on hand-labelled units drawn at random from the corpus.

Four samples of 200 units, each labelled by hand by a labeller who never saw the extractor
(tests/fixtures/level_labels.md … level_labels_4.md), each drawn excluding the earlier ones
and the development set:

* set 1 (seed 20201231) measured the first extractor: P 0.846, R 0.629;
* set 2 (seed 20210630) measured the second: P 0.95, R 0.59;
* set 3 (seed 20221231) was drawn and labelled while the third extractor was written, by
  someone who never saw it, and the extractor's author never saw set 3's labels before
  measuring: P 0.862, R 0.806 (the second extractor scored P 0.846, R 0.710 on it);
* set 4 (seed 20230630) was drawn and labelled blind after that, the extractor unchanged:
  P 0.800, R 0.842 (16 / 4 / 3) — fewer units name a level (18) than in the other sets.

Sets 1 and 2 had their errors named to the extractor's author and were tuned on (now P 1.00,
R 1.00 and P 1.00, R 0.94): they guard against regressions only. Sets 3 and 4 are clean —
the extractor was not changed after they were scored — and together are the honest figure
(P 0.837, R 0.820 over 50 labelled levels). The issue's bar (precision >= 0.97, recall >= 0.90)
is not reached on them; it stays here as a strict xfail on the two clean sets together, which
fails loudly — and must become a plain assertion — once it is reached. Tuning on sets 3 and 4
spends them: a fifth blind sample is then needed for an honest figure.
"""

import pytest

from quanze.evaluation import evaluate
from quanze.settings import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SETS = {"set1": "level_labels.csv", "set2": "level_labels_2.csv", "set3": "level_labels_3.csv",
        "set4": "level_labels_4.csv"}
CLEAN = ("set3", "set4")


@pytest.fixture(scope="module")
def scores(laws_dir):
    return {k: evaluate(laws_dir, FIXTURES / f) for k, f in SETS.items()}


def test_samples_are_200_units_with_enough_positives(scores):
    for s in scores.values():
        assert s.units == 200 and s.labelled >= 18


def test_no_regression_below_measured_figures(scores):
    assert scores["set1"].precision >= 0.97 and scores["set1"].recall >= 0.95
    assert scores["set2"].precision >= 0.97 and scores["set2"].recall >= 0.90
    assert scores["set3"].precision >= 0.85 and scores["set3"].recall >= 0.80
    assert scores["set4"].precision >= 0.80 and scores["set4"].recall >= 0.84


@pytest.mark.xfail(strict=True, reason="extractor below the issue's bar on the clean held-out sets 3 and 4 (README)")
def test_issue_bar_on_clean_held_out_sets(scores):
    tp, fp, fn = (sum(getattr(scores[k], f) for k in CLEAN) for f in ("tp", "fp", "fn"))
    assert tp / (tp + fp) >= 0.97 and tp / (tp + fn) >= 0.90
