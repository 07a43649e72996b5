"""What the routes are given: the settings, the one store, the query runner — and the hook
every write through the API passes.

The app holds **one** store, opened at startup from the settings (or handed to
:func:`api.app.create_app`, as the tests do): the embedded on-disk store allows one process,
and one store object per process keeps every request on the same data. Routes get it with
``Depends(get_store)``; tests can swap any of these with ``app.dependency_overrides``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Depends, Request

from api.errors import ApiError
from api.security import QueryRunner
from quanze.settings import Settings
from quanze.store import Store

#: Whatever the validator returns when it rejects a write: a SHACL report as text, a dict or a
#: list of results. It is sent back to the client (JSON when it can be, text otherwise).
ValidationReport = Any


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_store(request: Request) -> Store:
    """The app's one store (503 before startup has opened it)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise ApiError(503, "存储尚未打开 / the store is not open yet")
    return store


def get_runner(request: Request) -> QueryRunner:
    """Runs queries in worker threads under the time limit (see :mod:`api.security`)."""
    return request.app.state.runner


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
RunnerDep = Annotated[QueryRunner, Depends(get_runner)]


def after_write_validation(store: Store, graph_iris: Sequence[str]) -> ValidationReport | None:
    """**Hook**: check the store after an API write; return a report to reject it, None to accept.

    Called by :func:`api.writes.commit_write` — the only way the API writes — after the write
    has been applied and before the response, with the write lock held, for every SPARQL
    update and Graph Store PUT/POST/DELETE. ``graph_iris`` are the named graphs the write may
    have changed (sorted; graphs it created included, dropped ones too). A non-None return
    makes ``commit_write`` put those graphs back as they were (one update) and answer 422
    with the report. An exception here also rolls the write back (and answers 500).

    To be wired to SHACL validation (``shapes/``) by the lead engineer; accepts everything now.
    """
    return None
