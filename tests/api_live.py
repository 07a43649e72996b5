"""A live uvicorn server for the API tests: bound to 127.0.0.1 on a free port, in a thread.

The server runs in this process so tests can hand it an in-memory store and see the same
store; it stops itself when the ``with`` block ends.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pyoxigraph as ox
import uvicorn

from api.app import create_app
from quanze.settings import Settings
from quanze.store import EmbeddedStore, Store

EX = "https://example.org/"
G1 = "https://w3id.org/quanze/id/graph/test/one"
G2 = "https://w3id.org/quanze/id/graph/test/two"
TOKEN = "s3cret-token-42"


def settings(**overrides: object) -> Settings:
    """Test settings, independent of any QUANZE_* environment."""
    values: dict[str, object] = {"token": None, "query_timeout": 10.0, "max_rows": 1000,
                                 "max_body": 1024 * 1024, "cors_origins": [], "store": ":memory:",
                                 "endpoint": None}
    values.update(overrides)
    return Settings(**values)


def t(s: str, p: str, o: str | ox.NamedNode | ox.Literal) -> ox.Triple:
    obj = o if isinstance(o, ox.Literal | ox.NamedNode) else ox.Literal(o)
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj)


SEED = {
    G1: {t("a", "name", "药品生产许可"), t("a", "code", "37YJ-XK-0001"), t("b", "name", "乙")},
    G2: {t("c", "name", "丙"), t("c", "link", ox.NamedNode(EX + "a"))},
}


def seeded(store: Store | None = None) -> Store:
    """A store holding :data:`SEED` (a fresh in-memory one unless given)."""
    store = store or EmbeddedStore(None)
    store.write(SEED)
    return store


@contextmanager
def live_server(store: Store, cfg: Settings | None = None, runner: object | None = None) -> Iterator[str]:
    """Serve ``create_app(cfg, store)`` on 127.0.0.1; yields the base URL. ``runner``: another
    query runner than the app's own (a test's stand-in for a busy one)."""
    app = create_app(cfg or settings(), store)
    if runner is not None:
        app.state.runner = runner
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
