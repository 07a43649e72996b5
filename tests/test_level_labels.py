"""The level extractor measured on 200 hand-labelled units (tests/fixtures/level_labels.md).

The issue's bar is precision >= 0.97 and recall >= 0.90. Measured at (unit, level)
granularity the extractor does not reach it yet (see the README); the floor below guards the
measured figures against regressions, and the bar itself is a strict xfail that will fail
loudly — and must be turned into a plain assertion — once the extractor reaches it."""

import pytest

from quanze.evaluation import evaluate
from quanze.settings import ROOT

LABELS = ROOT / "tests" / "fixtures" / "level_labels.csv"


@pytest.fixture(scope="module")
def score(laws_dir):
    return evaluate(laws_dir, LABELS)


def test_labels_cover_200_units(score):
    assert score.units == 200 and score.labelled >= 30


def test_no_regression_below_measured_figures(score):
    assert score.precision >= 0.84
    assert score.recall >= 0.62


@pytest.mark.xfail(strict=True, reason="extractor below the issue's bar on held-out labels (README)")
def test_issue_bar(score):
    assert score.precision >= 0.97 and score.recall >= 0.90
