"""Shared fixtures: the three store backends, a real Oxigraph server on 127.0.0.1, the corpus."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from quanze.store import EmbeddedStore, RemoteStore

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@contextmanager
def oxigraph_serve(location: Path, *flags: str) -> Iterator[str]:
    """``oxigraph serve`` (pip package ``oxigraph``) on a free 127.0.0.1 port, stopped afterwards;
    yields its base URL."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *flags],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/query?query=ASK%7B%7D", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def loaded_oxigraph(location: Path, nquads: bytes) -> Iterator[str]:
    """A union-default-graph ``oxigraph serve`` of its own holding ``nquads``, stopped afterwards;
    yields its base URL. Loaded through its /store endpoint with Oxigraph's bulk loader
    (``?no_transaction``): the whole corpus takes ~25 s so, ~135 s in one transaction.

    Not the session's :func:`oxigraph_server`: once a large dataset is dropped from a server, its
    RocksDB keeps the deletions until it compacts, and every query after that, however small,
    takes 0.1–1 s to read past them — several seconds for each later remote test."""
    with oxigraph_serve(location, "--union-default-graph") as base:
        httpx.post(base + "/store", params={"no_transaction": ""}, content=nquads,
                   headers={"Content-Type": "application/n-quads"}, timeout=900).raise_for_status()
        yield base


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server over the union of its named graphs, for the whole session."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph-server"), "--union-default-graph") as base:
        yield base


def remote_store(base: str) -> RemoteStore:
    store = RemoteStore(base + "/query", base + "/update", base + "/store")
    store.update("DROP ALL")
    return store


@pytest.fixture(params=["memory", "oxigraph", "remote"])
def any_store(request, tmp_path):
    """The same contract on every backend."""
    if request.param == "memory":
        store = EmbeddedStore(None)
    elif request.param == "oxigraph":
        store = EmbeddedStore(tmp_path / "store")
    else:
        store = remote_store(request.getfixturevalue("oxigraph_server"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def laws_dir() -> Path:
    """The real corpus (QUANZE_LAWS, e.g. ../shared/laws); tests needing it skip without it."""
    path = os.environ.get("QUANZE_LAWS") or str(ROOT.parent / "shared" / "laws")
    if not Path(path, "manifest.csv").exists():
        pytest.skip("the law corpus is not available: set QUANZE_LAWS")
    return Path(path)


@pytest.fixture(scope="session")
def corpus_store(laws_dir):
    """An in-memory store with the reference data, the whole corpus and the sample lists."""
    from quanze.laws import import_corpus
    from quanze.lists import load_list
    from quanze.reference import init

    store = EmbeddedStore(None)
    init(store)
    import_corpus(store, laws_dir)
    load_list(store, ROOT / "data" / "samples" / "shandong-provincial.csv")
    load_list(store, ROOT / "data" / "samples" / "shandong-adjustments.csv")
    return store


#: A tiny synthetic law (a fixture, not a copy of the corpus): article 2 fixes the province.
MINI_LAW = ("# 示例条例\n\n2020年1月1日 国务院公布\n\n<!-- INFO END -->\n\n第一条 为了示例，制定本条例。\n\n"
            "第二条 设立示例机构，应当经省、自治区、直辖市人民政府示例主管部门批准。\n")


def write_mini_corpus(folder: Path, text: str = MINI_LAW, title: str = "示例条例") -> Path:
    """A corpus folder in the format of shared/laws holding only one law (:data:`MINI_LAW`, or
    ``text`` under ``title``: a 行政法规 of 2020-01-01)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "law.md").write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "path,title,instrument_type,issuing_level,issuer,version_date,is_latest,status,sha256\n"
        f"law.md,{title},行政法规,national,国务院,2020-01-01,true,有效,x\n", encoding="utf-8")
    return folder


def cancellation(code: str) -> str:
    """An adjustments list (调整事项目录) recording one 取消 of item ``code``, as CSV text."""
    return f"事项编码,调整方式,承接层级,承接单位,委托机关,完成时限,依据文件,备注\n{code},取消,,,,2020-12-31,,\n"


def write_cancellation(path: Path, code: str) -> Path:
    """:func:`cancellation` of ``code`` written to ``path`` (its stem names the load)."""
    path.write_text(cancellation(code), encoding="utf-8")
    return path


def quanze_cli(*args: str):
    """``quanze ARGS`` through typer's test runner; each invocation opens its own store and
    closes it at the end, as a process would."""
    from typer.testing import CliRunner

    from quanze.cli import app, state

    state.store = None
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        if state.store is not None:
            state.store.close()
            state.store = None


@pytest.fixture(scope="module")
def reference_store():
    """An in-memory store after ``init``: the ontology, reference data and the plan."""
    from quanze.reference import init
    from quanze.store import EmbeddedStore

    s = EmbeddedStore(None)
    init(s)
    yield s
    s.close()
