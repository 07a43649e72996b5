"""One store interface, three backends: ``open_store`` picks one from the settings."""

from __future__ import annotations

from quanze.store.base import (
    EndpointUnreachable,
    Iri,
    QuerySyntaxError,
    Row,
    Store,
    StoreError,
    StoreLocked,
    WriteStats,
    bind,
)
from quanze.store.embedded import EmbeddedStore
from quanze.store.remote import RemoteStore

__all__ = [
    "EmbeddedStore", "EndpointUnreachable", "Iri", "QuerySyntaxError", "RemoteStore", "Row", "Store",
    "StoreError", "StoreLocked", "WriteStats", "bind", "open_store",
]


def open_store(store: str | None = None, endpoint: str | None = None, update_endpoint: str | None = None,
               gsp_endpoint: str | None = None, http_timeout: float | None = 120.0) -> Store:
    """``endpoint`` → remote (``http_timeout``: seconds per request, None for no limit);
    ``store == ':memory:'`` → in memory; else the on-disk store."""
    if endpoint:
        return RemoteStore(endpoint, update_endpoint, gsp_endpoint, timeout=http_timeout)
    if store in (None, ":memory:"):
        return EmbeddedStore(None)
    return EmbeddedStore(store)
