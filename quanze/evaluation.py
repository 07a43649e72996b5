"""Precision and recall of the level extractor against hand labels (tests/fixtures/level_labels.csv).

Scored at (unit, level) granularity: a predicted level for a unit is a true positive when
the hand label lists it, a false positive otherwise; a labelled level not predicted is a
false negative. Units are resolved with the same parser the import uses.

``agreement`` scores one labeller against another the same way: how far two people who
read the same rulebook agree bounds how precisely any extractor can be measured.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from quanze.entrustment import find_entrustments
from quanze.laws import read_manifest
from quanze.level import LEVELS, Assignment, assign_levels
from quanze.provision import ParseError, read_text


def corpus_units(laws: Path) -> Iterator[tuple[str, str, int, int | str, str]]:
    """Every unit the extractor reads — each 款 and each of its 项 — as (path, article,
    paragraph, item or "", text), in manifest order; a file that cannot be parsed is left out.
    The samples are drawn from this sequence (scripts/sample_paragraphs.py), so its order is
    part of every draw's reproducibility."""
    for entry in read_manifest(laws):
        try:
            text = read_text(laws / entry.path, entry.path)
        except ParseError:
            continue
        for article in text.articles:
            for paragraph in article.paragraphs:
                yield entry.path, article.key, paragraph.number, "", paragraph.text
                for point in paragraph.points:
                    yield entry.path, article.key, paragraph.number, point.number, point.text


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fp_labelled: int = 0  # false positives on units whose label names a level
    units: int = 0
    labelled: int = 0
    mismatches: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def precision_labelled(self) -> float:
        """Precision on the units whose label names a level — the literal reading of the issue's
        "on paragraphs that name an approving level" (a level found in a unit that names none is
        not counted against it)."""
        tp, fp = self.tp, self.fp_labelled
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, unit: tuple[str, str, str, str], want: set[str], got: set[str], text: str = "") -> None:
        """Score one unit: ``want`` the reference's levels, ``got`` the ones found."""
        self.units += 1
        self.labelled += bool(want)
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fp_labelled += len(got - want) if want else 0
        self.fn += len(want - got)
        if got != want:
            self.mismatches.append((_unit_name(unit), ";".join(sorted(want)), ";".join(sorted(got)), text))


def _unit_name(unit: tuple[str, str, str, str]) -> str:
    path, article, paragraph, item = unit
    return f"{path} {article}-{paragraph}" + (f"({item})" if item else "")


def _levels(cell: str) -> set[str]:
    return set(filter(None, cell.split(";"))) - {"EMPTY"}


def read_labels(labels: Path) -> dict[tuple[str, str, str, str], set[str]]:
    """The labelled levels of each unit (path, article, paragraph, item), in file order."""
    with open(labels, encoding="utf-8") as fh:
        return {(r["path"], r["article"], r["paragraph"], r["item"]): _levels(r["expected"]) for r in csv.DictReader(fh)}


def agreement(reference: Path, other: Path) -> Score:
    """``other``'s labels scored against ``reference``'s, on the units both files label."""
    ref, oth = read_labels(reference), read_labels(other)
    if ref.keys() != oth.keys():
        raise ValueError(f"{reference} and {other} label different units")
    score = Score()
    for unit, want in ref.items():
        score.add(unit, want, oth[unit])
    return score


def unit_texts(laws: Path, rows: Iterable[Mapping[str, str]]) -> Iterator[tuple[Mapping[str, str], str, str, str]]:
    """Each row naming a unit (path, article, paragraph, item or "") with the unit's text, issuing
    level and title, as the import reads them."""
    meta = {r.path: r for r in read_manifest(laws)}
    cache = {}
    for row in rows:
        path = row["path"]
        if path not in cache:
            cache[path] = {a.key: a for a in read_text(laws / path, path).articles}
        par = cache[path][row["article"]].paragraphs[int(row["paragraph"]) - 1]
        text = next(p.text for p in par.points if p.number == int(row["item"])) if row["item"] else par.text
        yield row, text, meta[path].issuing_level, meta[path].title


def _labelled_units(laws: Path, labels: Path) -> Iterator[tuple[Mapping[str, str], str, str, str]]:
    """Each row of a label file with its unit, as :func:`unit_texts` gives them."""
    with open(labels, encoding="utf-8") as fh:
        yield from unit_texts(laws, csv.DictReader(fh))


def _unit(row: Mapping[str, str]) -> tuple[str, str, str, str]:
    return row["path"], row["article"], row["paragraph"], row["item"]


def evaluate(laws: Path, labels: Path, *, extractor: Callable[..., list[Assignment]] = assign_levels,
             above: frozenset[str] | None = None) -> Score:
    """The extractor scored against the hand labels in ``labels`` (units resolved in ``laws``).

    ``extractor`` stands in for the current one (an earlier version, to score a sample on the
    extractor frozen before it was drawn). With ``above``, each unit is scored on the devolution
    analysis's question instead: does it fix a level in ``above`` (for 县级: national,
    provincial or municipal)?"""
    score = Score()
    for row, text, issuing_level, title in _labelled_units(laws, labels):
        got = {a.level for a in extractor(text, issuing_level=issuing_level, title=title)}
        want = _levels(row["expected"])
        if above is not None:
            want, got = ({"blocks"} if want & above else set()), ({"blocks"} if got & above else set())
        score.add(_unit(row), want, got, text)
    return score


def _entrustment(by: str, levels: Iterable[str]) -> str:
    """One entrustment as the label files write it: FROM>TO, TO in level order or ``open``."""
    return f"{by}>{';'.join(sorted(set(levels), key=LEVELS.index)) or 'open'}"


def _entrustments(cell: str) -> set[str]:
    """``provincial>open | municipal>county;township`` as a set of :func:`_entrustment` strings."""
    out = set()
    for part in filter(None, (p.strip() for p in cell.split("|"))):
        by, _, to = part.partition(">")
        out.add(_entrustment(by.strip(), {t.strip() for t in to.split(";")} - {"", "open"}))
    return out


def evaluate_entrustments(laws: Path, labels: Path) -> Score:
    """The entrustment reader (quanze.entrustment) scored against hand labels: each entrustment,
    its entrusting level and the levels it may go to, counts once."""
    score = Score()
    for row, text, issuing_level, title in _labelled_units(laws, labels):
        got = {_entrustment(e.level, e.delegate_levels)
               for e in find_entrustments(text, issuing_level=issuing_level, title=title)}
        score.add(_unit(row), _entrustments(row["entrustments"]), got, text)
    return score
