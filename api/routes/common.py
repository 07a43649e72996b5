"""What the REST routes share: the error model, 404s in Chinese and English, targets and
levels as the API accepts them, the cached citation resolver and the blockers JSON Schema.

Every read runs through the app's :class:`api.security.QueryRunner` (worker thread, time limit);
errors are :class:`api.errors.ApiError` answered as JSON (``{"status", "error", "message"}``).
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypeVar

from fastapi import Request
from pydantic import BaseModel, Field

from api.errors import ApiError
from api.security import QueryRunner
from quanze.citation import Resolution, Resolver
from quanze.lookup import generation
from quanze.settings import shared
from quanze.store import Store

T = TypeVar("T")

#: A target level as the API accepts it (as ``quanze blockers --to``).
Target = Literal["市级", "县级", "功能区", "city", "municipal", "county", "zone"]
#: A level filter (行使层级), in Chinese or English.
LevelParam = Literal["国家级", "省级", "市级", "县级", "乡镇级", "national", "provincial", "municipal", "city", "county",
                     "township"]  # quanze.lookup.LEVEL_PARAMS, written out for the OpenAPI description
#: 事项类型.
ItemType = Literal["行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励",
                   "行政裁决", "其他行政权力", "公共服务", "行政事业性收费"]


class ErrorOut(BaseModel):
    """An error: the HTTP status, a short reason and the message in Chinese and English."""

    status: int = Field(description="HTTP status code", examples=[404])
    error: str = Field(description="short reason (not_found, bad_request, unauthorized, …)", examples=["not_found"])
    message: str = Field(description="中文 / English", examples=["没有事项 37XX-XK-9999 / no item 37XX-XK-9999"])


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error statuses, all with :class:`ErrorOut`."""
    text = {400: "请求参数无效 / invalid parameters", 401: "缺少或错误的令牌 / missing or wrong token",
            403: "只读服务 / read-only service", 404: "未找到 / not found",
            413: "请求体过大 / body too large", 415: "不支持的文件类型 / unsupported file type",
            422: "未通过校验，未写入 / rejected, nothing stored",
            503: "查询超时或服务繁忙 / query timed out or service busy"}
    return {c: {"model": ErrorOut, "description": text.get(c, "error")} for c in codes}


def not_found(zh: str, en: str) -> ApiError:
    """404 with a Chinese and an English message, always JSON."""
    return ApiError(404, f"{zh} / {en}", force_json=True)


def bad_request(zh: str, en: str) -> ApiError:
    """400 with a Chinese and an English message, always JSON."""
    return ApiError(400, f"{zh} / {en}", force_json=True)


def store_of(request: Request) -> Store:
    """The app's one store (503 before startup has opened it) — as :func:`api.deps.get_store`,
    but called inline: FastAPI runs a plain ``def`` dependency in its thread pool, one more
    thread hop per request."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise ApiError(503, "存储尚未打开 / the store is not open yet", force_json=True)
    return store


def runner_of(request: Request) -> QueryRunner:
    return request.app.state.runner


async def run(request: Request, fn: Callable[[], T]) -> T:
    """``fn()`` through the app's query runner (worker thread, time limit, bounded slots)."""
    return await runner_of(request).run(fn)


# --- the citation resolver, kept per app ------------------------------------------------------

class ResolverCache:
    """One :class:`quanze.citation.Resolver` per store, rebuilt after ``ttl`` seconds.

    The resolver reads every instrument title once (tens of milliseconds) and remembers which
    provisions exist; rebuilding it now and then (and after every API write, see
    :func:`quanze.lookup.generation`) picks up a re-imported corpus and bounds what it
    remembers. Calls are serialised: the resolver is not thread-safe while it loads."""

    def __init__(self, ttl: float = 300.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._resolver: Resolver | None = None
        self._store: Store | None = None
        self._made = 0.0
        self._generation = -1

    def resolve_text(self, store: Store, text: str) -> list[Resolution]:
        with self._lock:
            now, current = time.monotonic(), generation()
            if (self._resolver is None or self._store is not store or now - self._made > self.ttl
                    or self._generation != current):
                self._resolver, self._store, self._made, self._generation = Resolver(store), store, now, current
            return self._resolver.resolve_text(text)


def resolver_cache(request: Request) -> ResolverCache:
    return request.app.state.resolver_cache


def resolve_one(resolutions: list[Resolution], text: str) -> str:
    """The provision IRI of a citation naming exactly one provision; 404/400 otherwise."""
    failed = [r for r in resolutions if not r.ok]
    if failed:
        reasons_zh = "；".join(r.reason_zh or "" for r in failed)
        reasons_en = "; ".join(r.reason_en or "" for r in failed)
        raise not_found(f"无法解析引用“{text}”：{reasons_zh}", f"cannot resolve the citation {text!r}: {reasons_en}")
    if len(resolutions) != 1:
        raise bad_request(f"请只给出一个条文（“{text}”含 {len(resolutions)} 个）",
                          f"give one provision ({text!r} names {len(resolutions)})")
    return resolutions[0].iri  # type: ignore[return-value]


# --- the blockers JSON Schema, for the OpenAPI description -------------------------------------

@cache
def blockers_schema() -> dict[str, Any]:
    """``docs/blockers.schema.json`` with its ``$defs`` inlined (OpenAPI cannot follow its refs)."""
    path = shared("docs") / "blockers.schema.json"
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"type": "array", "items": {"type": "object"}}
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]))
            return {k: inline(v) for k, v in node.items() if k not in ("$schema", "$id")}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


def assessment_schema() -> dict[str, Any]:
    """One assessment (an element of the blockers array)."""
    return blockers_schema().get("items", {"type": "object"})


def blocking_schema() -> dict[str, Any]:
    """One blocking provision of an assessment."""
    props = assessment_schema().get("properties", {})
    return props.get("blocking", {}).get("items", {"type": "object"})


def json_content(schema: dict[str, Any], example: Any | None = None) -> dict[str, Any]:
    """An OpenAPI ``content`` entry for application/json."""
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}
