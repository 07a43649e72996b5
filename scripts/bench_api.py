#!/usr/bin/env python
"""Bounded load benchmark of the HTTP API, on loopback only.

Starts its own server on 127.0.0.1 (a child process running uvicorn over ``create_app``) over
a store — ``--store DIR`` with data already loaded, or else an in-memory one it builds with
``init`` + the law corpus (``--laws`` or ``QUANZE_LAWS``) + the sample lists — then sends a
fixed number of requests from a few concurrent httpx clients and prints, per endpoint,
requests/s and p50/p95 latency:

* ``GET /items/{code}`` — first one request per sample item (the law texts an item cites are
  read from the store and cached then), then item lookups cycling over them (default 2,000);
* ``GET /devolution?to=县级``: once right after start (the assessments computed), then
  repeated (default 50) — the answer kept while the store is unchanged;
* ``GET /sparql?query=SELECT …`` (default 500 SELECTs, one item's name by code each).

The clients run in this process, the server in another, on the same machine: the rates
include the clients' own CPU use. Besides wall-clock rates and latencies it prints the CPU
milliseconds per request of the server and of the clients (Linux), which other load on the
machine inflates less than it does the rates. Nothing listens beyond 127.0.0.1 and the server is stopped
at the end.

    python scripts/bench_api.py                     # in-memory store, corpus from QUANZE_LAWS
    python scripts/bench_api.py --store var/store   # an on-disk store with data
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SPARQL = ("PREFIX qz: <https://w3id.org/quanze/ns#> "
          "SELECT ?item ?name WHERE {{ ?item qz:code \"{code}\" ; qz:name ?name }}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(laws: Path | None):
    """An in-memory store with the reference data, the corpus and the sample lists."""
    from quanze.laws import import_corpus
    from quanze.lists import load_list
    from quanze.reference import init
    from quanze.store import EmbeddedStore

    store = EmbeddedStore(None)
    init(store)
    if laws is None or not (laws / "manifest.csv").exists():
        raise SystemExit(f"no law corpus at {laws}: give --laws or set QUANZE_LAWS")
    import_corpus(store, laws)
    load_list(store, SAMPLES / "shandong-provincial.csv")
    load_list(store, SAMPLES / "shandong-adjustments.csv")
    return store


def serve(port: int, store_dir: str | None, laws: Path | None) -> None:
    """The child: open or build the store, then serve on 127.0.0.1:port until killed."""
    import uvicorn

    from api.app import create_app
    from quanze.settings import Settings

    settings = Settings(store=store_dir or ":memory:", endpoint=None, token=None)
    store = None if store_dir else build_store(laws)
    uvicorn.run(create_app(settings, store), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


def cpu_seconds(pid: int | None = None) -> float | None:
    """CPU time (user + system) of a child process (Linux /proc) or of this one."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    server_cpu: float | None = None
    client_cpu: float | None = None

    def line(self, concurrency: int) -> str:
        n = len(self.latencies)
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        p95 = lat[min(n - 1, int(n * 0.95))] * 1000 if lat else float("nan")
        rate = n / self.wall if self.wall else float("nan")
        server = f"{self.server_cpu / n * 1000:>8.2f}" if self.server_cpu is not None and n else f"{'-':>8}"
        client = f"{self.client_cpu / n * 1000:>8.2f}" if self.client_cpu is not None and n else f"{'-':>8}"
        return (f"{self.name:<30} {n:>6} {concurrency:>5} {rate:>10.1f} {p50:>9.1f} {p95:>9.1f} "
                f"{server} {client} {self.errors:>6}")


async def run_requests(base: str, name: str, paths: list[str], concurrency: int,
                       server_pid: int | None = None) -> Result:
    """Send ``paths`` (GET) with ``concurrency`` clients; each client its own connection. Notes
    the server's and the clients' CPU time too (figures that other load on the machine does not
    inflate the way it does wall-clock rates)."""
    result = Result(name)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for p in paths:
        queue.put_nowait(p)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120, headers={"Accept": "application/json"}) as c:
            while True:
                try:
                    path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t = time.perf_counter()
                r = await c.get(path)
                await r.aread()
                result.latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    result.errors += 1

    server0, client0 = cpu_seconds(server_pid) if server_pid else None, cpu_seconds()
    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    result.wall = time.perf_counter() - t0
    server1, client1 = cpu_seconds(server_pid) if server_pid else None, cpu_seconds()
    if server0 is not None and server1 is not None:
        result.server_cpu = server1 - server0
    if client0 is not None and client1 is not None:
        result.client_cpu = client1 - client0
    return result


def codes() -> list[str]:
    with (SAMPLES / "shandong-provincial.csv").open(encoding="utf-8-sig") as f:
        return [row["事项编码"] for row in csv.DictReader(f)]


async def bench(base: str, args: argparse.Namespace, server_pid: int) -> list[tuple[Result, int]]:
    from urllib.parse import quote, urlencode

    all_codes = codes()
    lookups = [f"/items/{quote(all_codes[i % len(all_codes)])}" for i in range(args.lookups)]
    sparql = [f"/sparql?{urlencode({'query': SPARQL.format(code=all_codes[i % len(all_codes)])})}"
              for i in range(args.sparql)]
    devolution = [f"/devolution?{urlencode({'to': '县级'})}"] * args.devolution
    out = []
    if devolution:  # the first one computes the assessments; the repeated ones below reuse them
        out.append((await run_requests(base, "GET /devolution?to=县级 computed", devolution[:1], 1, server_pid), 1))
    # Warm up: the first requests read the vocabulary labels and fill the store's own caches.
    await run_requests(base, "warm-up", lookups[:3] + sparql[:20], 2)
    first = [f"/items/{quote(c)}" for c in all_codes[3:]]
    for name, paths, conc in (("GET /items/{code} 1st visit", first if args.lookups else [], args.concurrency),
                              ("GET /items/{code}", lookups, args.concurrency),
                              ("GET /devolution?to=县级 kept", devolution, min(2, args.concurrency)),
                              ("GET /sparql (SELECT)", sparql, args.concurrency)):
        if paths:
            out.append((await run_requests(base, name, paths, conc, server_pid), conc))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="an on-disk store with data (default: build an in-memory one)")
    parser.add_argument("--laws", type=Path, default=Path(os.environ["QUANZE_LAWS"]) if os.environ.get("QUANZE_LAWS")
                        else ROOT.parent / "shared" / "laws", help="the law corpus, to build the in-memory store")
    parser.add_argument("--lookups", type=int, default=2000, help="GET /items/{code} requests")
    parser.add_argument("--devolution", type=int, default=50, help="GET /devolution?to=县级 requests")
    parser.add_argument("--sparql", type=int, default=500, help="SPARQL SELECT requests")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.store, args.laws)
        return

    port = free_port()
    cmd = [sys.executable, __file__, "--serve", "--port", str(port), "--laws", str(args.laws)]
    if args.store:
        cmd += ["--store", args.store]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    print(f"starting the server on 127.0.0.1:{port} over "
          f"{args.store or 'an in-memory store (init + corpus + samples)'} …", flush=True)
    server = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the server exited with {server.returncode}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() - started > 900:
                raise SystemExit("the server did not start in 900 s")
            time.sleep(0.5)
        print(f"server ready in {time.monotonic() - started:.1f} s; {os.cpu_count()} CPUs", flush=True)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        results = asyncio.run(bench(base, args, server.pid))
        print(f"\nload average before: {load:.2f} (other processes share the CPUs with the server and the clients)")
        print(f"{'endpoint':<30} {'n':>6} {'conc':>5} {'req/s':>10} {'p50 ms':>9} {'p95 ms':>9} "
              f"{'srv ms':>8} {'cli ms':>8} {'errors':>6}")
        for r, conc in results:
            print(r.line(conc))
        print("srv ms / cli ms: CPU milliseconds per request spent by the server process / by the clients")
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
