#!/usr/bin/env python3
"""Draw the paragraphs (款) and items (项) that are labelled by hand for the level extractor.

Two random draws with a fixed seed, so the sample is reproducible and documented:
* ``uniform``: units drawn uniformly from every 款 and 项 of the corpus;
* ``authority``: units drawn uniformly from those whose text names a government body or an
  approval act (人民政府, 部门, 国务院, 批准, 许可, 审批, 登记, 备案). Most paragraphs of a law
  name no approving level; without this second draw recall would rest on a handful of cases.

Writes ``path,article,paragraph,item,draw`` rows; labels are added by hand (see
tests/fixtures/level_labels.csv). Usage: ``scripts/sample_paragraphs.py LAWS_DIR OUT.csv
[SEED [EXCLUDE.csv ...]]`` — units listed in the EXCLUDE files (earlier samples, the development
set) are never drawn again. First sample: seed 20201231; second: seed 20210630 excluding
level_labels.csv and level_dev.csv.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

from quanze.evaluation import corpus_units

AUTHORITY = re.compile(r"人民政府|部门|国务院|批准|许可|审批|登记|备案")


def main(laws: str, out: str, n_uniform: int = 100, n_authority: int = 100, seed: int = 20201231,
         exclude: tuple[str, ...] = ()) -> None:
    seen: set[tuple[str, str, str, str]] = set()
    for path in exclude:
        with open(path, encoding="utf-8") as fh:
            seen |= {(r["path"], r["article"], str(r["paragraph"]), str(r["item"] or "")) for r in csv.DictReader(fh)}
    everything = [u for u in corpus_units(Path(laws)) if (u[0], u[1], str(u[2]), str(u[3])) not in seen]
    rng = random.Random(seed)
    uniform = rng.sample(everything, n_uniform)
    taken = {u[:4] for u in uniform}
    pool = [u for u in everything if AUTHORITY.search(u[4]) and u[:4] not in taken]
    authority = rng.sample(pool, n_authority)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["path", "article", "paragraph", "item", "draw"])
        for draw, rows in (("uniform", uniform), ("authority", authority)):
            for path, art, par, item, _ in rows:
                w.writerow([path, art, par, item, draw])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], seed=int(sys.argv[3]) if len(sys.argv) > 3 else 20201231,
         exclude=tuple(sys.argv[4:]))
