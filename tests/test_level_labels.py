"""The level extractor measured on hand-labelled units drawn at random from the corpus.

Twenty samples, each drawn excluding the earlier ones, the development set and (from set 7 on)
the units shown to the auditors of the extractor's output. Every label was given by someone
who never saw the extractor or its output (tests/fixtures/level_labels.md … level_labels_20.md).
Sets 1–5 had one labeller each; sets 6–20 had two, labelling independently, and a third who
adjudicated their differences (level_labels_6a.csv/6b.csv … the two files, level_labels_6.csv
… the adjudicated one). Each set was scored once, clean, by the extractor of that moment;
sets 1–9 and 11–19 were then tuned on, set 10 only by fixes of whole classes of units that
its errors pointed to, set 20 not at all:

* set 1 (seed 20201231): P 0.846, R 0.629 — the first extractor;
* set 2 (seed 20210630): P 0.95, R 0.59;
* set 3 (seed 20221231): P 0.862, R 0.806;
* set 4 (seed 20230630): P 0.800, R 0.842;
* set 5 (seed 20231231): P 0.800, R 0.857;
* set 6 (seed 20240630): P 0.864, R 0.731 (19 / 3 / 7);
* set 7 (seed 20241231): P 0.762, R 0.696 (16 / 5 / 7);
* set 8 (seed 20250630, 400 units): P 0.889, R 0.702 (40 / 5 / 17);
* set 9 (seed 20251231, 400 units): P 0.881, R 0.788 (52 / 7 / 14);
* set 10 (seed 20260630, 400 units): P 0.889, R 0.769 (40 / 5 / 12);
* set 11 (seed 20261129, 400 units): P 0.860, R 0.827 (43 / 7 / 9);
* set 12 (seed 20261231, 400 units): P 0.851, R 0.755 (40 / 7 / 13);
* set 13 (seed 20270101, 400 units): P 0.896, R 0.782 (43 / 5 / 12) — on 926549c, the extractor
  after the sixth session's rules, and the same on fd74086, before them;
* set 14 (seed 20270102, 400 units): P 0.912, R 0.788 (52 / 5 / 14) — on 1b07e20, the extractor
  of set 13's figure; then tuned on. Set 13, untouched, went to P 0.898, R 0.800 (44 / 5 / 11);
* set 15 (seed 20270103, 400 units): P 0.885, R 0.885 (46 / 6 / 6) — on 799f0ac, the extractor
  after set 14's rules, and the same on 0999131, after set 13's (set 13 was tuned on once set
  15 had been drawn); then tuned on;
* set 16 (seed 20270104, 400 units): P 0.843, R 0.896 (43 / 8 / 5) — on ed04c4e, after set 15's
  rules (P 0.827 on 799f0ac). Its two labellers agreed on all 400 units. Tuned on once set 17
  had been drawn;
* set 17 (seed 20270105, 400 units): P 0.826, R 0.717 (38 / 8 / 15) — on 5e3a11c, after set 16's
  rules, and the same on 64f172e, before them. Tuned on once set 18 had been drawn;
* set 18 (seed 20270106, 400 units): P 0.833, R 0.648 (35 / 7 / 19) — on 30f5be6, after set 17's
  rules, and the same on 5e3a11c and 64f172e, before them. Tuned on once set 19 had been drawn;
* set 19 (seed 20270107, 400 units): P 0.875, R 0.824 (42 / 6 / 9) — on 81f00da, after set 18's
  rules, and the same on 30f5be6, 5e3a11c and 64f172e, before them. Its two labellers agreed on
  all 400 units. Tuned on once set 20 had been drawn;
* set 20 (seed 20270108, 400 units): P 0.774, R 0.707 (41 / 12 / 17) — on c3d10f5, after set 19's
  rules, and the same on every extractor back to 64f172e.

The sets scored before the current extractor guard against regressions only. The issue's bar
(precision >= 0.97, recall >= 0.90) is not reached on set 20, never tuned on; it stays here as a
strict xfail, which fails loudly — and must become a plain assertion — once it is reached.
"""

import csv

import pytest

from quanze.evaluation import agreement, evaluate, read_labels
from quanze.settings import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
SETS = {f"set{i}": f"level_labels{'' if i == 1 else f'_{i}'}.csv" for i in range(1, 21)}
DOUBLE = tuple(f"set{i}" for i in range(6, 21))  # two labellers and an adjudicator
CLEAN = ("set20",)
UNANIMOUS = ("set16", "set19")  # their two labellers gave the same levels to all 400 units (level_labels_16.md, _19.md)


def pair(name: str):
    stem = SETS[name].removesuffix(".csv")
    return FIXTURES / f"{stem}a.csv", FIXTURES / f"{stem}b.csv"


@pytest.fixture(scope="module")
def scores(laws_dir):
    return {k: evaluate(laws_dir, FIXTURES / f) for k, f in SETS.items()}


def test_samples_have_enough_labelled_units(scores):
    for name, s in scores.items():
        assert s.units == (400 if int(name.removeprefix("set")) >= 8 else 200)
        assert s.labelled >= 18


def test_no_regression_below_measured_figures(scores):
    floors = {
        "set1": (0.97, 0.95), "set2": (0.97, 0.90), "set3": (0.90, 0.90), "set4": (0.94, 0.89),
        "set5": (0.97, 0.96), "set6": (0.97, 0.92), "set7": (0.95, 0.86), "set8": (0.96, 0.87),
        "set9": (0.98, 0.92),
        "set10": (0.97, 0.80),  # touched only by fixes of whole classes found from its errors (docs/level-extractor.md)
        "set11": (0.98, 0.96),
        "set12": (0.93, 0.86),
        "set13": (0.94, 0.89),
        "set14": (0.96, 0.92),
        "set15": (0.92, 0.94),
        "set16": (0.97, 0.97),
        "set17": (0.97, 0.90),
        "set18": (0.91, 0.81),
        "set19": (0.94, 0.92),
        "set20": (0.77, 0.70),  # never tuned on: a floor, not a target
    }
    for name, (precision, recall) in floors.items():
        assert scores[name].precision >= precision and scores[name].recall >= recall, name


@pytest.mark.parametrize("name", DOUBLE)
def test_adjudicated_label_is_one_labellers(name):
    # The adjudicator decided only where the two labellers differed and corrected no agreed
    # row (level_labels_6.md … 11.md): every final label is A's or B's.
    final = read_labels(FIXTURES / SETS[name])
    a, b = (read_labels(p) for p in pair(name))
    assert final.keys() == a.keys() == b.keys()
    assert all(final[u] in (a[u], b[u]) for u in final)
    assert (name in UNANIMOUS) != any(a[u] != b[u] for u in final)  # they did disagree, but on sets 16 and 19


@pytest.mark.parametrize("name", DOUBLE)
def test_labellers_agree_closely_but_not_perfectly(name):
    # The measure of any extractor is only as fine as this: docs/level-extractor.md, "How far people agree".
    s = agreement(*pair(name))
    if name not in UNANIMOUS:
        assert 0.85 <= s.precision < 1.0 or 0.85 <= s.recall < 1.0
    assert s.precision >= 0.85 and s.recall >= 0.85


def test_agreement_of_a_file_with_itself_and_with_other_units(tmp_path):
    a, _ = pair("set6")
    same = agreement(a, a)
    assert same.precision == same.recall == 1.0 and not same.mismatches
    with open(a, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    short = tmp_path / "short.csv"
    with open(short, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows[:-1])
    with pytest.raises(ValueError, match="label different units"):
        agreement(a, short)


def test_literal_reading_only_forgives_levels_found_where_the_label_names_none(scores):
    # "on paragraphs that name an approving level" (docs/level-extractor.md): precision_labelled drops the false
    # positives of units labelled empty, and nothing else.
    for s in scores.values():
        assert s.fp_labelled <= s.fp and s.precision_labelled >= s.precision
    assert any(s.fp_labelled < s.fp for s in scores.values())


@pytest.mark.xfail(strict=True, reason="extractor below the issue's bar on set 20, never tuned on (docs/level-extractor.md)")
def test_issue_bar_on_clean_held_out_sets(scores):
    tp, fp, fn = (sum(getattr(scores[k], f) for k in CLEAN) for f in ("tp", "fp", "fn"))
    assert tp / (tp + fp) >= 0.97 and tp / (tp + fn) >= 0.90


def test_blocking_question_scores_units_not_levels(laws_dir, scores):
    # evaluate(above=…) asks of each unit whether it fixes a level above the target: a unit
    # labelled national;provincial counts once, and an extractor that finds nothing finds no blocker.
    labels = read_labels(FIXTURES / SETS["set20"])
    above = frozenset({"national", "provincial", "municipal"})
    blocking = evaluate(laws_dir, FIXTURES / SETS["set20"], above=above)
    assert blocking.units == scores["set20"].units == len(labels)
    assert blocking.tp + blocking.fn == sum(bool(levels & above) for levels in labels.values())
    nothing = evaluate(laws_dir, FIXTURES / SETS["set20"], extractor=lambda text, **_: [], above=above)
    assert (nothing.tp, nothing.fp, nothing.fn) == (0, 0, blocking.tp + blocking.fn)


def test_the_units_the_sample_list_cites(laws_dir):
    """Not a random draw (level_labels_cited.md): every unit the sample list's bases bring into
    the analysis, labelled blind and adjudicated. Floors at the measured figures; and the labels
    pass the same checks as the random sets' (adjudicated label is one labeller's; close agreement)."""
    cited = FIXTURES / "level_labels_cited.csv"
    levels = evaluate(laws_dir, cited)
    assert (levels.units, levels.labelled) == (542, 209)
    assert levels.precision >= 0.94 and levels.recall >= 0.89
    county = evaluate(laws_dir, cited, above=frozenset({"national", "provincial", "municipal"}))
    assert county.precision >= 0.97 and county.recall >= 0.93
    a, b = FIXTURES / "level_labels_cited_a.csv", FIXTURES / "level_labels_cited_b.csv"
    final, first, second = read_labels(cited), read_labels(a), read_labels(b)
    # one agreed label corrected after a legal review (level_labels_cited.md): 计量法 7.1
    corrected = {u for u in final if final[u] not in (first[u], second[u])}
    assert [u[:2] for u in corrected] == [("经济法/计量法(2018-10-26).md", "7")], corrected
    agree = agreement(a, b)
    assert 0.95 <= agree.precision < 1 and 0.95 <= agree.recall <= 1
