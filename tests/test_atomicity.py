"""A load never half-writes, also when the process is killed midway (issue: lists, item 3).

Real processes, a real on-disk store: `quanze load` of a large list is killed with SIGKILL at
staggered moments; afterwards the list's graph holds either nothing or every row, and the
store's other graphs are untouched. A tiny synthetic law (a fixture, not the corpus) keeps
the setup fast."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quanze.laws import import_corpus
from quanze.namespaces import graph_iri
from quanze.reference import init
from quanze.store import EmbeddedStore

from .conftest import write_mini_corpus

ROWS = 8_000


@pytest.fixture()
def prepared(tmp_path):
    laws = write_mini_corpus(tmp_path / "laws")
    store_dir = tmp_path / "store"
    store = EmbeddedStore(store_dir)
    init(store)
    import_corpus(store, laws)
    store.close()
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["事项编码", "事项名称", "事项类型", "实施主体", "行使层级", "设定依据", "关联事项", "安全类别", "办理方式", "备注"])
        for i in range(ROWS):
            w.writerow([f"T-{i:06d}", f"示例机构设立审批{i}", "行政许可", "省市场监督管理局", "省级",
                        "《示例条例》第二条", f"T-{(i + 1) % ROWS:06d}", "", "依申请", ""])
    return store_dir, big


def _load(store_dir: Path, big: Path) -> subprocess.Popen:
    env = {**os.environ, "QUANZE_STORE": str(store_dir)}
    return subprocess.Popen([sys.executable, "-m", "quanze.cli", "load", str(big), "--no-validate"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_load_is_all_or_nothing(prepared):
    store_dir, big = prepared
    graph = str(graph_iri("load", "big"))
    # How long does a whole load take here? Kill at fractions of it.
    started = time.monotonic()
    proc = _load(store_dir, big)
    assert proc.wait(300) == 0, proc.stderr.read().decode()
    full = time.monotonic() - started
    store = EmbeddedStore(store_dir)
    complete = store.count(graph)
    store.drop(graph)
    store.close()
    outcomes = set()
    for fraction in (0.4, 0.75, 0.9, 0.97):
        proc = _load(store_dir, big)
        time.sleep(full * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
        store = EmbeddedStore(store_dir)
        n = store.count(graph) if graph in store.graph_names() else 0
        assert n in (0, complete), f"killed at {fraction:.0%}: {n} of {complete} triples"
        assert store.count(str(graph_iri("laws"))) > 0  # what was stored before is still there
        outcomes.add(n)
        if n:
            store.drop(graph)
        store.close()
    assert complete > ROWS * 5
