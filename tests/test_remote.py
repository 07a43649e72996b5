"""End to end on a real Oxigraph server (``oxigraph serve`` on 127.0.0.1): the ``quanze`` command
and the HTTP service over the remote backend, every answer compared with the same command on an
on-disk embedded store holding the same data.

Everything is written the way a user writes it — ``quanze init``, ``quanze laws import``,
``quanze load`` as processes — so the data reaches the server through SPARQL UPDATE (the diff of
``Store.write``) and is read back through the Graph Store Protocol. The corpus is the real one cut
down to the instruments the sample list cites, every version of each (~144,000 triples): the whole
corpus through SPARQL UPDATE would take minutes. The remote and the embedded run of each command
go in parallel.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import jsonschema
import pyoxigraph as ox
import pytest

from quanze.citation import parse, title_key
from quanze.store import EmbeddedStore

from .conftest import free_port
from .conftest import oxigraph_serve as oxigraph

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "shandong-provincial.csv"
ADJUSTMENTS = ROOT / "data" / "samples" / "shandong-adjustments.csv"
REVIEWS = ROOT / "data" / "samples" / "shandong-level-reviews.csv"
CATALOG = "https://w3id.org/quanze/id/graph/catalog"
GRAPH = "https://w3id.org/quanze/id/graph/"
QZ = "https://w3id.org/quanze/ns#"
TOKEN = "remote-test-token-7"
HEADER = "事项编码,事项名称,事项类型,实施主体,行使层级,设定依据,关联事项,安全类别,办理方式,备注\n"
BASIS = "《中华人民共和国药品管理法》第四十一条第一款"


# --- the server, the two stores and the command --------------------------------------------------

def endpoint_options(base: str, query_suffix: str = "") -> list[str]:
    return ["--endpoint", f"{base}/query{query_suffix}", "--update-endpoint", f"{base}/update",
            "--gsp-endpoint", f"{base}/store"]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any QUANZE_* setting (a developer's QUANZE_STORE or
    QUANZE_ENDPOINT must not pick the backend), wide enough that rich does not wrap lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUANZE_")}
    env.update(COLUMNS="400", **extra)
    return env


def start(options: list[str], *args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "quanze.cli", *options, *map(str, args)], cwd=cwd,
                            env=env or clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def finish(proc: subprocess.Popen, timeout: float = 300) -> Result:
    out, err = proc.communicate(timeout=timeout)
    return Result(proc.returncode, out, err)


@dataclass
class World:
    """A real Oxigraph server and an on-disk store, given the same commands."""

    base: str
    store: Path
    cwd: Path
    laws: Path
    setup: dict[str, tuple[Result, Result]] = field(default_factory=dict)

    @property
    def remote(self) -> list[str]:
        return endpoint_options(self.base)

    @property
    def embedded(self) -> list[str]:
        return ["--store", str(self.store)]

    def run_remote(self, *args: str | Path, env: dict[str, str] | None = None) -> Result:
        return finish(start(self.remote, *args, cwd=self.cwd, env=env))

    def both(self, *args: str | Path) -> tuple[Result, Result]:
        """The command on the remote and on the embedded store, in parallel: (remote, embedded)."""
        remote, embedded = start(self.remote, *args, cwd=self.cwd), start(self.embedded, *args, cwd=self.cwd)
        return finish(remote), finish(embedded)


def cited_corpus(laws: Path, target: Path) -> Path:
    """A corpus folder holding the manifest rows (every version, every part) of the instruments
    the sample list cites in 设定依据 or 实施依据, with their files."""
    keys: set[str] = set()
    with SAMPLE.open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            for column in ("设定依据", "实施依据"):
                if row[column]:
                    keys |= {title_key(ref.title) for ref in parse(row[column])}
    with (laws / "manifest.csv").open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        # 民法典 is stored as its parts (中华人民共和国民法典 物权编, …), cited as the whole code
        rows = [r for r in reader if title_key(r["title"]) in keys or title_key(r["title"].split()[0]) in keys]
        fields = reader.fieldnames or []
    assert len(rows) > 100, "the sample list should cite well over a hundred instrument versions"
    target.mkdir(parents=True)
    with (target / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fields)
        writer.writeheader()
        writer.writerows(rows)
    for r in rows:
        (target / r["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(laws / r["path"], target / r["path"])
    return target


@pytest.fixture(scope="module")
def world(laws_dir, tmp_path_factory) -> Iterator[World]:
    """Both stores after ``init``, ``laws import`` of the cited corpus and ``load`` of the two
    sample lists (with their violations accepted, as ``scripts/demo`` does)."""
    tmp = tmp_path_factory.mktemp("remote-e2e")
    laws = cited_corpus(laws_dir, tmp / "laws")
    with oxigraph(tmp / "oxigraph", "--union-default-graph") as base:
        w = World(base, tmp / "store", tmp, laws)
        for step in (("init",), ("laws", "import", laws),
                     ("load", SAMPLE, "--accept-violations", "--by", "测试员"),
                     ("load", ADJUSTMENTS, "--accept-violations", "--by", "测试员")):
            remote, embedded = w.setup[step[0] if step[0] != "load" else Path(step[1]).stem] = w.both(*step)
            assert remote.code == 0, remote.stderr
            assert embedded.code == 0, embedded.stderr
        yield w


# --- what is stored, read without Quanze -----------------------------------------------------------

def remote_state(base: str) -> list[tuple[str, int]]:
    """Every named graph on the server with its triple count, asked of the server directly."""
    r = httpx.post(base + "/query", content="SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                   headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
                   timeout=60)
    r.raise_for_status()
    return sorted((b["g"]["value"], int(b["n"]["value"])) for b in r.json()["results"]["bindings"])


def remote_graph(base: str, graph: str) -> set[str]:
    r = httpx.get(base + "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}, timeout=60)
    r.raise_for_status()
    return set(r.text.splitlines())


def embedded_state(path: Path) -> list[tuple[str, int]]:
    store = EmbeddedStore(path)
    try:
        rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sorted((str(r["g"]), int(r["n"] or 0)) for r in rows)  # type: ignore[arg-type]
    finally:
        store.close()


def without_timings(report: str) -> dict:
    data = json.loads(report)
    assert data.pop("timings")  # the only part that may differ between two runs
    return data


# --- writing: init, the corpus, loads ------------------------------------------------------------

def test_init_and_corpus_import_over_sparql_update(world):
    for step in ("init", "laws"):
        remote, embedded = world.setup[step]
        assert remote.stdout == embedded.stdout
    summary = world.setup["laws"][0].stdout
    # Into an empty store everything is new: "三元组 triples: N (+N −0)", N the whole laws graph.
    written = re.search(r"三元组 triples: ([\d,]+) \(\+([\d,]+) −0\)", summary)
    assert written and written[1] == written[2] and int(written[1].replace(",", "")) > 100_000, summary
    assert ("laws", int(written[1].replace(",", ""))) in [(g.removeprefix(GRAPH), n) for g, n in remote_state(world.base)]
    names = [g for g, _ in remote_state(world.base)]
    for name in ("ontology", "reference", "plan", "laws", "catalog", "load/shandong-provincial",
                 "load/shandong-adjustments", "report/shandong-provincial", "report/shandong-adjustments"):
        assert GRAPH + name in names


def test_remote_holds_what_the_embedded_store_holds(world):
    """Same graphs, same counts, and — exported by ``quanze export`` — the same quads, but for
    the load times in the catalog (and blank nodes, which each store labels its own way: the
    ontology's OWL lists)."""
    assert remote_state(world.base) == embedded_state(world.store)
    remote, embedded = world.both("export", "--format", "nquads")
    assert remote.code == embedded.code == 0

    def quads(text: str) -> tuple[set[str], list[tuple[str, str]]]:
        """Both stores serialise through pyoxigraph, so a quad is written the same way by both:
        lines compare, but for blank-node labels (compared by graph and predicate)."""
        ground, blank = set(), []
        for line in text.splitlines():
            if line.endswith(f"<{CATALOG}> ."):
                continue
            if line.startswith("_:") or " _:" in line:
                blank.append((line.rsplit(" ", 2)[-2], line.split(" ", 2)[1]))
            else:
                ground.add(line)
        return ground, sorted(blank)

    there = quads(remote.stdout)
    assert len(there[0]) > 140_000 and there == quads(embedded.stdout)


def test_reloading_an_unchanged_list_writes_nothing(world):
    before = remote_state(world.base)
    again = world.run_remote("load", ADJUSTMENTS, "--accept-violations", "--by", "测试员")
    assert again.code == 0, again.stderr
    assert "35/35 rows, 297 triples (+0 −0)" in again.stdout
    assert remote_state(world.base) == before


def test_rejected_loads_leave_the_remote_store_unchanged(world):
    bad_row = world.cwd / "bad-row.csv"
    bad_row.write_text(HEADER + f"37YJ-XK-9001,示例许可,行政许可,省药品监督管理局,省级,{BASIS},,,依申请,\n"
                                f"37YJ-XK-9002,示例许可二,行政许可,省药品监督管理局,火星级,{BASIS},,,依申请,\n",
                       encoding="utf-8")
    # Well-formed rows, but 一链办理 is broken: A is exercised at 市级, its related item B only at 省级.
    chain = world.cwd / "broken-chain.csv"
    chain.write_text(HEADER + f"37YJ-XK-9101,示例许可,行政许可,省药品监督管理局,省级、市级,{BASIS},37YJ-XK-9102,,依申请,\n"
                              f"37YJ-XK-9102,示例变更,行政许可,省药品监督管理局,省级,{BASIS},,,依申请,\n",
                     encoding="utf-8")
    foreign = world.cwd / "foreign.csv"
    foreign.write_text("a,b\n1,2\n", encoding="utf-8")
    before, catalog = remote_state(world.base), remote_graph(world.base, CATALOG)
    for path, code, says in ((bad_row, 1, "火星级"), (chain, 1, "一链办理"), (foreign, 1, "表头")):
        remote, embedded = world.both("load", path, "--by", "测试员")
        assert remote.code == embedded.code == code, remote.stderr
        assert says in remote.stderr and remote.stderr == embedded.stderr
        if code == 1:
            assert "库未改变 / the store is unchanged" in remote.stderr
        assert remote_state(world.base) == before
        assert remote_graph(world.base, CATALOG) == catalog
    assert remote_state(world.base) == embedded_state(world.store)


def test_a_reload_through_a_mistyped_graph_store_url_is_refused(world):
    """Regression: with the Graph Store URL mistyped (Oxigraph answers 404 there, as for a graph
    that does not exist) a changed list loaded again said "+N −0", exit 0: the diff read the old
    graph as empty, and the rows taken out of the file stayed in the store."""
    shorter = world.cwd / "shandong-adjustments.csv"
    lines = ADJUSTMENTS.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    shorter.write_text("".join(lines[:-5]), encoding="utf-8")
    before = remote_state(world.base)
    options = [*endpoint_options(world.base)[:-1], world.base + "/storex"]
    refused = finish(start(options, "load", shorter, "--accept-violations", "--by", "测试员", cwd=world.cwd))
    assert refused.code == 2, refused.stdout + refused.stderr
    assert world.base + "/storex" in refused.stderr and "QUANZE_GSP_ENDPOINT" in refused.stderr
    assert refused.stdout == "" and remote_state(world.base) == before


# --- reading: validation and blockers ------------------------------------------------------------

def test_validate_finds_the_same_on_both(world):
    # The remote run is configured through the environment (QUANZE_ENDPOINT …), not options.
    env = clean_env(QUANZE_ENDPOINT=world.base + "/query", QUANZE_UPDATE_ENDPOINT=world.base + "/update",
                    QUANZE_GSP_ENDPOINT=world.base + "/store")
    remote = finish(start([], "validate", "--format", "json", cwd=world.cwd, env=env))
    embedded = finish(start(world.embedded, "validate", "--format", "json", cwd=world.cwd))
    assert remote.code == embedded.code == 1, remote.stderr
    report = without_timings(remote.stdout)
    assert report == without_timings(embedded.stdout)
    assert report["violations"] > 50 and report["warnings"] > 10 and not report["conforms"]
    shapes = {r["shape_name"] for r in report["results"]}
    assert {"一链办理", "层级与法定依据不符", "行政许可的设定依据"} <= shapes

    # An item without findings conforms: exit 0 on both.
    flagged = {r["focus_code"] for r in report["results"]}
    with SAMPLE.open(encoding="utf-8-sig") as f:
        clean = next(row["事项编码"] for row in csv.DictReader(f) if row["事项编码"] not in flagged)
    remote, embedded = world.both("validate", "--format", "json", "--item", clean)
    assert remote.code == embedded.code == 0, remote.stderr
    assert without_timings(remote.stdout) == without_timings(embedded.stdout)
    assert without_timings(remote.stdout)["conforms"] and without_timings(remote.stdout)["validated"] >= 1


def test_blockers_json_is_identical(world):
    remote, embedded = world.both("blockers", "--to", "县级", "--format", "json")
    assert remote.code == embedded.code == 0, remote.stderr
    assert remote.stdout == embedded.stdout
    found = json.loads(remote.stdout)
    jsonschema.validate(found, json.loads((ROOT / "docs" / "blockers.schema.json").read_text(encoding="utf-8")))
    statuses = {a["status"] for a in found}
    assert {"needs_legal_change", "cancel", "chain_blocked"} <= statuses
    legal = [a for a in found if a["status"] == "needs_legal_change"]
    assert legal and all(a["blocking"] for a in legal)
    assert {b["authority"] for a in legal for b in a["blocking"]} >= {"central", "provincial"}


# --- the HTTP service over the remote backend ------------------------------------------------------

@contextmanager
def served(world: World, options: list[str]) -> Iterator[str]:
    """``quanze serve`` (its own process) over the given store, with the write token."""
    port = free_port()
    proc = start(options, "serve", "--port", str(port), cwd=world.cwd, env=clean_env(QUANZE_TOKEN=TOKEN))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                httpx.get(base + "/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "quanze serve did not start"
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


SPARQL_JSON = "application/sparql-results+json"
SELECT = (f"SELECT ?code ?name ?level WHERE {{ ?i <{QZ}code> ?code ; <{QZ}name> ?name ; <{QZ}exercisedAt> ?level }} "
          "ORDER BY ?code ?level")


def test_api_over_the_remote_store_answers_as_on_embedded(world):
    with served(world, world.remote) as there, served(world, world.embedded) as here:
        def both(method: str, path: str, **kw) -> tuple[httpx.Response, httpx.Response]:
            return (httpx.request(method, there + path, timeout=120, **kw),
                    httpx.request(method, here + path, timeout=120, **kw))

        remote, embedded = both("GET", "/health")
        assert remote.json()["backend"] == "remote" and embedded.json()["backend"] == "oxigraph"
        assert remote.json()["store"] == "ok"

        for code in ("37YJ-XK-0001", "37YJ-XK-0004", "3701CG-XK-0001", "37JT-XK-0009", "37GA-QT-0001"):
            remote, embedded = both("GET", f"/items/{code}", headers={"Accept": "application/json"})
            assert remote.status_code == embedded.status_code == 200, remote.text
            assert remote.json() == embedded.json() and remote.json()["code"] == code
            assert remote.json()["bases"]
        remote, embedded = both("GET", "/items/37XX-XK-9999", headers={"Accept": "application/json"})
        assert remote.status_code == embedded.status_code == 404 and remote.json() == embedded.json()

        remote, embedded = both("GET", "/devolution", params={"to": "县级"})
        assert remote.status_code == embedded.status_code == 200
        assert remote.content == embedded.content
        cli = world.run_remote("blockers", "--to", "县级", "--format", "json")
        assert remote.text == cli.stdout.rstrip("\n")  # byte for byte `quanze blockers --format json`

        remote, embedded = both("POST", "/sparql", content=SELECT,
                                headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON})
        assert remote.status_code == embedded.status_code == 200
        rows = remote.json()["results"]["bindings"]
        assert len(rows) > 277 and rows == embedded.json()["results"]["bindings"]

        load = GRAPH + "load/shandong-adjustments"
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        remote, embedded = both("GET", "/sparql", params={"query": count, "default-graph-uri": load},
                                headers={"Accept": SPARQL_JSON})
        assert remote.json() == embedded.json()
        assert remote.json()["results"]["bindings"][0]["n"]["value"] == "297"

        construct = (f"CONSTRUCT {{ ?i <{QZ}relatedItem> ?j }} WHERE {{ ?i <{QZ}relatedItem> ?j }}")
        remote, embedded = both("GET", "/sparql", params={"query": construct}, headers={"Accept": "application/n-triples"})
        assert remote.status_code == embedded.status_code == 200
        triples = set(ox.parse(remote.content, format=ox.RdfFormat.N_TRIPLES))
        assert len(triples) > 50 and triples == set(ox.parse(embedded.content, format=ox.RdfFormat.N_TRIPLES))

        remote, embedded = both("GET", "/sparql", params={"query": "SELECT ?x WHERE {\n ?x ?y }"},
                                headers={"Accept": SPARQL_JSON})
        assert remote.status_code == embedded.status_code == 400

        # A write through the service over the remote store: rejected, and nothing stored.
        before = remote_state(world.base)
        bad = (HEADER + f"37YJ-XK-9201,示例许可,行政许可,省药品监督管理局,火星级,{BASIS},,,依申请,\n").encode("utf-8")
        r = httpx.post(there + "/loads", files={"file": ("upload.csv", bad, "text/csv")}, timeout=120)
        assert r.status_code == 401
        r = httpx.post(there + "/loads", files={"file": ("upload.csv", bad, "text/csv")}, timeout=120,
                       headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 422 and "火星级" in r.text
        assert remote_state(world.base) == before


def test_a_load_by_another_process_shows_on_the_pages_soon(world):
    """A review list loaded by the CLI straight into the remote store, beside a running service:
    the item page (whose law texts the service caches for a minute) shows the review of its basis
    within seconds — the service notices the catalog of loads changed —, and stops showing it
    once the list is unloaded."""
    def reviews(base: str) -> list[dict]:
        r = httpx.get(base + "/items/37RS-QR-0001", headers={"Accept": "application/json"}, timeout=60)
        r.raise_for_status()
        return [rv for b in r.json()["bases"] for rv in b["level_reviews"]]

    def until(base: str, wanted: bool) -> list[dict]:
        deadline = time.monotonic() + 20  # the cache would keep the old page for 60 s
        while bool(found := reviews(base)) != wanted and time.monotonic() < deadline:
            time.sleep(0.2)
        return found

    with served(world, world.remote) as there:
        assert reviews(there) == []  # read, and now cached
        loaded = world.run_remote("load", REVIEWS, "--by", "测试员")
        assert loaded.code == 0, loaded.stderr
        try:
            found = until(there, True)
            assert [r["levels"] for r in found] == [["municipal"]], found
        finally:
            gone = world.run_remote("unload", REVIEWS.stem)
        assert gone.code == 0, gone.stderr
        assert until(there, False) == []


# --- unload (last: it removes a load, then puts it back) -------------------------------------------

def test_unload_over_remote(world):
    graph, report = GRAPH + "load/shandong-adjustments", GRAPH + "report/shandong-adjustments"
    before = remote_state(world.base)
    assert graph in [g for g, _ in before] and report in [g for g, _ in before]
    gone = world.run_remote("unload", "shandong-adjustments")
    assert gone.code == 0, gone.stderr
    # Its graph, its report and its record go; nothing else changes.
    after = dict(remote_state(world.base))
    assert graph not in after and report not in after
    assert {g: n for g, n in before if g not in (graph, report, CATALOG)} == {g: n for g, n in after.items() if g != CATALOG}
    assert not any("shandong-adjustments" in line for line in remote_graph(world.base, CATALOG))
    assert any("shandong-provincial" in line for line in remote_graph(world.base, CATALOG))
    again = world.run_remote("unload", "shandong-adjustments")
    assert again.code == 1 and "shandong-adjustments" in again.stderr

    # Put it back, so the module's other tests see the same data in any order.
    back = world.run_remote("load", ADJUSTMENTS, "--accept-violations", "--by", "测试员")
    assert back.code == 0, back.stderr
    assert remote_state(world.base) == before


# --- an Oxigraph server without --union-default-graph ------------------------------------------------

def test_union_default_graph_asked_for_in_the_query_url(tmp_path):
    """Oxigraph takes ``?union-default-graph`` on the query URL instead of the server flag: every
    request to that URL must keep it (CONSTRUCT and /sparql went without it, and saw nothing).
    Without either, the loads are invisible to queries: refused (exit 2), where it used to answer
    0 regions, exit 0."""
    regions = f"{{ ?r a <{QZ}Region> }}"
    with oxigraph(tmp_path / "oxigraph") as base:
        options = endpoint_options(base, "?union-default-graph")
        assert finish(start(options, "init", cwd=tmp_path)).code == 0
        plain = finish(start(endpoint_options(base), "query", f"SELECT (COUNT(*) AS ?n) WHERE {regions}",
                             "--format", "json", cwd=tmp_path))
        assert plain.code == 2 and plain.stdout == "", plain.stdout
        assert "--union-default-graph" in plain.stderr
        counted = finish(start(options, "query", f"SELECT (COUNT(*) AS ?n) WHERE {regions}", "--format", "json",
                               cwd=tmp_path))
        assert counted.code == 0 and json.loads(counted.stdout) == [{"n": 153}]
        built = finish(start(options, "query", f"CONSTRUCT {regions} WHERE {regions}", cwd=tmp_path))
        assert built.code == 0, built.stderr
        assert len(set(ox.parse(built.stdout.encode("utf-8"), format=ox.RdfFormat.TURTLE))) == 153
