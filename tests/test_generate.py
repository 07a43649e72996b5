"""scripts/generate: synthetic province-scale lists that load with the real loader."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from quanze.lists import load_list, unload

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "generate"
ITEMS = 2000


def generate(out: Path, seed: int, items: int = ITEMS) -> Path:
    subprocess.run([sys.executable, str(SCRIPT), "--items", str(items), "--seed", str(seed), "--out", str(out)],
                   check=True, capture_output=True, text=True)
    return out


def contents(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "a", seed=11)


def test_same_seed_same_bytes_other_seed_differs(generated, tmp_path):
    again = contents(generate(tmp_path / "b", seed=11))
    assert again == contents(generated)
    other = contents(generate(tmp_path / "c", seed=12))
    assert other.keys() == again.keys()
    assert other != again


def test_files_sizes_levels_and_codes(generated):
    files = sorted(p for p in generated.glob("*.csv") if p.name != "adjustments.csv")
    assert len(files) == 1 + 16 + 136
    level = {"province": "省级", "city": "市级", "county": "县级"}
    seen: set[str] = set()
    total = 0
    tiers = {"province": 0, "city": 0, "county": 0}
    for path in files:
        tier = path.stem.split("-")[0]
        division = "370000" if tier == "province" else path.stem.split("-")[1]
        rs = rows(path)
        assert rs, path.name
        codes = {r["事项编码"] for r in rs}
        assert len(codes) == len(rs), path.name
        assert not codes & seen, f"codes repeated across files: {path.name}"
        seen |= codes
        for r in rs:
            assert r["事项编码"].startswith(division + "-")
            assert r["行使层级"] == level[tier]
            for other in filter(None, r["关联事项"].split("；")):
                assert other in codes and other != r["事项编码"], (path.name, r["事项编码"], other)
        total += len(rs)
        tiers[tier] += len(rs)
    assert total == ITEMS
    assert tiers == {"province": 60, "city": 600, "county": 1340}


def test_adjustments_on_provincial_items_and_never_below_province_when_sensitive(generated):
    provincial = {r["事项编码"]: r for r in rows(generated / "province.csv")}
    actions = rows(generated / "adjustments.csv")
    assert len(actions) == round(len(provincial) * 0.02)
    for a in actions:
        item = provincial[a["事项编码"]]
        if item["安全类别"]:
            assert a["调整方式"] in ("取消", "转变管理方式") and not a["承接层级"]


def test_generated_lists_load_into_a_store_with_the_corpus(generated, corpus_store):
    """Province, one city, one county and the adjustments load without an error (or a warning)."""
    files = [generated / "province.csv", generated / "city-370100.csv", generated / "county-370102.csv",
             generated / "adjustments.csv"]
    names = [f"test-generate-{p.stem}" for p in files]
    try:
        for path, name in zip(files, names, strict=True):
            result = load_list(corpus_store, path, name=name)
            assert result.stored_rows == result.rows == len(rows(path))
            assert not result.problems, [str(p) for p in result.problems[:5]]
        stored = corpus_store.select("""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
            ?i <https://w3id.org/quanze/ns#code> ?c
            FILTER(STRSTARTS(?c, "370000-") || STRSTARTS(?c, "370100-") || STRSTARTS(?c, "370102-")) }""")
        assert int(str(stored[0]["n"])) == sum(len(rows(p)) for p in files[:3])
    finally:
        for name in names:
            unload(corpus_store, name, force=True)  # in any order
