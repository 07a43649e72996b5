"""Settings, read from ``QUANZE_*`` environment variables (and overridden by CLI flags)."""

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

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [o.strip() for o in text.split(",") if o.strip()]
        return value

    def open_store(self):
        from quanze.store import open_store

        return open_store(self.store, self.endpoint, self.update_endpoint, self.gsp_endpoint)
