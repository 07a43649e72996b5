"""Settings, read from ``QUANZE_*`` environment variables (and overridden by CLI flags:
:meth:`Settings.from_command_line`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def shared(name: str) -> Path:
    """A top-level folder of the repository Quanze reads at run time (``ontology``, ``shapes``,
    ``data``, ``docs``): the source tree's when Quanze runs from it (or an editable install),
    else the copy a wheel installs as ``quanze/share/<name>`` (pyproject.toml maps them)."""
    if (ROOT / "pyproject.toml").is_file() and (ROOT / name).is_dir():
        return ROOT / name
    return Path(__file__).resolve().parent / "share" / name


DATA = shared("data")
ONTOLOGY = shared("ontology") / "quanze.ttl"
SHAPES = shared("shapes")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUANZE_", extra="ignore")

    store: str = "./var/store"  # on-disk store; ':memory:' for an in-memory one
    endpoint: str | None = None  # remote SPARQL query URL
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None  # Graph Store Protocol URL, when the server has one
    # seconds one request to the remote server may take (a corpus upload to a busy server took
    # 12 minutes); 0 = no limit
    http_timeout: float = 120.0
    laws: Path | None = None  # folder in the format of shared/laws
    data: Path = DATA
    ontology: Path = ONTOLOGY  # read by init and by validation (quanze.validation.rule_files)
    shapes: Path = SHAPES  # the SHACL shapes folder validation reads (quanze.validation.rule_files)

    # HTTP service
    token: str | None = None  # bearer token for writes; none = read-only
    query_timeout: float = 30.0
    query_memory_mb: int = 4096  # address space a /sparql worker may add to its opened store (on-disk); 0 = no cap
    max_rows: int = 10_000
    max_body: int = 20 * 1024 * 1024
    # QUANZE_CORS_ORIGINS: origins separated by commas (https://a.example,https://b.example), or a JSON list
    cors_origins: Annotated[list[str], NoDecode] = []

    @field_validator("http_timeout")
    @classmethod
    def _timeout(cls, value: float) -> float:
        if value < 0:
            raise ValueError("QUANZE_HTTP_TIMEOUT must be 0 (no limit) or more seconds")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [o.strip() for o in text.split(",") if o.strip()]
        return value

    @classmethod
    def from_command_line(cls, store: str | None = None, endpoint: str | None = None,
                          update_endpoint: str | None = None, gsp_endpoint: str | None = None) -> Settings:
        """The settings with the global options given on the command line over the environment.

        The backend is chosen as a whole, by the command line first: ``--store`` means the
        embedded store even with QUANZE_ENDPOINT set, and ``--endpoint`` the remote one even with
        QUANZE_STORE set. A backend named on the command line takes none of its URLs from the
        environment either: with ``--endpoint`` alone a QUANZE_UPDATE_ENDPOINT (or GSP) left in
        the environment could name another server, and a write would apply to it a diff computed
        against this one. Options that contradict each other raise :class:`ConflictingOptions`."""
        if store and endpoint:
            raise ConflictingOptions("--store 与 --endpoint 只能给一个 / give --store or --endpoint, not both")
        if store and (update_endpoint or gsp_endpoint):
            raise ConflictingOptions("--update-endpoint、--gsp-endpoint 属于远程存储，不能与 --store 同用 / "
                                     "--update-endpoint and --gsp-endpoint are for a remote store, not with --store")
        if store:
            return cls(store=store, endpoint=None, update_endpoint=None, gsp_endpoint=None)
        if endpoint:
            return cls(endpoint=endpoint, update_endpoint=update_endpoint, gsp_endpoint=gsp_endpoint)
        given = {k: v for k, v in {"update_endpoint": update_endpoint, "gsp_endpoint": gsp_endpoint}.items() if v}
        settings = cls(**given)
        if given and not settings.endpoint:  # they would be ignored: the on-disk store would be used
            raise ConflictingOptions("--update-endpoint、--gsp-endpoint 需要 --endpoint 或 QUANZE_ENDPOINT / "
                                     "--update-endpoint and --gsp-endpoint need --endpoint or QUANZE_ENDPOINT")
        return settings

    def open_store(self):
        from quanze.store import open_store

        return open_store(self.store, self.endpoint, self.update_endpoint, self.gsp_endpoint,
                          self.http_timeout or None)


class ConflictingOptions(ValueError):
    """Global options that name no one store; the message is meant for users (zh / en)."""
