"""What makes the service safe to expose: the write token and the query guard.

* **Writes need the token.** SPARQL updates and Graph Store PUT/POST/DELETE need
  ``Authorization: Bearer <QUANZE_TOKEN>``. Without a configured token the service is
  read-only (403); a missing or wrong token is 401 with ``WWW-Authenticate: Bearer``.
* **No outgoing requests.** ``SERVICE`` in queries and updates and ``LOAD`` in updates are
  refused (400) before anything is parsed or run: Oxigraph would otherwise fetch the URL
  (server-side request forgery). Detection uses :mod:`api.lexer`, so the words inside
  literals, IRIs, comments and names do not count.
* **Bounded work.** Each query runs in its own worker thread and the request answers 503 when
  ``query_timeout`` passes; a fixed number of slots (``max_concurrent``) bounds how many run
  at once, and a request finding no free slot waits a few seconds for one (``slot_wait``, so
  that a page's burst of requests beside one slow query is not refused), then is 503. A
  Python thread cannot be killed, so such a query goes on until it finishes and its result is
  thrown away — which is why ``/sparql``, where anyone may send any query, runs its queries
  of the on-disk store in worker processes that are killed at the limit and capped in memory
  (:mod:`api.sandbox`).
  The REST routes run Quanze's own queries, bounded by design. Request bodies over
  ``max_body`` bytes are 413.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import re
import secrets
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import REASONS, ApiError, is_protocol_path
from api.lexer import Token, ambiguous, has_keyword
from quanze.settings import Settings

T = TypeVar("T")

# --- the write token ------------------------------------------------------------------------

READ_ONLY = ("此服务为只读：未配置写入令牌（QUANZE_TOKEN）/ "
             "this service is read-only: no write token is configured (QUANZE_TOKEN)")


def require_writer(request: Request, settings: Settings) -> None:
    """Raise 403 when the service is read-only, 401 when the bearer token is missing or wrong."""
    if not settings.token:
        raise ApiError(403, READ_ONLY)
    scheme, _, credentials = request.headers.get("authorization", "").strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise ApiError(401, "写入需要令牌：Authorization: Bearer <token> / "
                            "writing needs a token: Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": 'Bearer realm="quanze"'})
    if not secrets.compare_digest(credentials.encode("utf-8"), settings.token.encode("utf-8")):
        raise ApiError(401, "令牌无效 / invalid token",
                       headers={"WWW-Authenticate": 'Bearer realm="quanze", error="invalid_token"'})


# --- the query guard -------------------------------------------------------------------------

def refuse_service(tokens: list[Token]) -> None:
    """400 for a federated query: the service never calls other endpoints."""
    if has_keyword(tokens, "service"):
        raise ApiError(400, "本端点不允许联邦查询（SERVICE）/ "
                            "federated queries (SERVICE) are not allowed on this endpoint")


#: How deep brackets may nest in a query or update. Oxigraph's parser recurses once a level, on
#: the thread that parses: 10,000 levels (20 KB of brackets) overflowed its stack and killed
#: the service. No real query comes near this.
MAX_NESTING = 200


def refuse_deep(tokens: list[Token]) -> None:
    """400 for a query or update nesting brackets deeper than :data:`MAX_NESTING`, before it is parsed."""
    depth = deepest = 0
    for tok in tokens:
        if tok.kind != "punct":
            continue
        if tok.text in "({[":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                raise ApiError(400, f"查询的括号嵌套超过 {MAX_NESTING} 层 / the query nests brackets more than "
                                    f"{MAX_NESTING} levels deep")
        elif tok.text in ")}]":
            depth = max(0, depth - 1)


def refuse_hidden(text: str, tokens: list[Token]) -> None:
    """400 for a text the tokens may misread (:func:`api.lexer.ambiguous`) that says LOAD or
    SERVICE anywhere, in a string or a comment too: Oxigraph's reading may hold one the tokens
    do not show."""
    if ambiguous(tokens) and re.search(r"(?i)load|service", text):
        raise ApiError(400, "查询中“<”紧跟在值之后、其后到“>”之间含 # 或 '，可能被读作比较，也可能被读作 IRI；请在比较符前后加空格 / "
                            "a '<' right after a value, with # or ' before the next '>', may be read as a comparison "
                            "or as an IRI: put spaces around the comparison")


def refuse_load(tokens: list[Token]) -> None:
    """400 for ``LOAD``: the service never fetches documents from the web."""
    if has_keyword(tokens, "load"):
        raise ApiError(400, "本端点不允许 LOAD（从网络加载数据）/ "
                            "LOAD (fetching data from the web) is not allowed on this endpoint")


class QueryTimeout(ApiError):
    def __init__(self, seconds: float):
        super().__init__(503, f"查询超过 {seconds:.3g} 秒的时限，已放弃；请缩小查询范围（加 LIMIT 或更具体的条件）/ "
                              f"the query exceeded the {seconds:.3g} s time limit and was abandoned; "
                              f"narrow it (add a LIMIT or more specific patterns)")


class Busy(ApiError):
    def __init__(self) -> None:
        super().__init__(503, "服务繁忙：正在运行的查询已达上限，请稍后再试 / "
                              "the service is busy: too many queries are running, try again later",
                         headers={"Retry-After": "10"})


class QueryRunner:
    """Runs blocking store calls in daemon threads with a time limit and a bound on how many run.

    ``timeout``: seconds a call may run before the request answers :class:`QueryTimeout` (503).
    ``max_concurrent``: slots, calls running at once (default ``max(4, cpus)``).
    ``slot_wait``: seconds a call waits for a free slot when all are taken (default 3 s), polling
    with ``asyncio.sleep`` so the event loop keeps serving, before it answers :class:`Busy` (503);
    0 refuses at once. The wait comes before, and on top of, the call's own ``timeout``."""

    #: The longest pause between two looks for a free slot.
    POLL = 0.05

    def __init__(self, timeout: float, max_concurrent: int | None = None, slot_wait: float = 3.0):
        self.timeout = timeout
        self.max_concurrent = max_concurrent or max(4, os.cpu_count() or 4)
        self.slot_wait = max(0.0, slot_wait)
        self._slots = threading.BoundedSemaphore(self.max_concurrent)

    async def _acquire(self) -> None:
        """Take a slot, waiting up to ``slot_wait`` seconds without blocking the loop; else Busy."""
        if self._slots.acquire(blocking=False):
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.slot_wait
        pause = 0.005
        while (left := deadline - loop.time()) > 0:
            await asyncio.sleep(min(pause, left))
            if self._slots.acquire(blocking=False):
                return
            pause = min(pause * 2, self.POLL)
        raise Busy()

    async def run(self, fn: Callable[[], T], timeout: float | None = None) -> T:
        """``fn()`` in a worker thread; :class:`QueryTimeout` (503) after ``timeout`` seconds
        (default: the runner's). A caller that enforces its own limit inside ``fn`` (api.sandbox)
        passes a longer one, so that its thread has freed the slot when the request answers.
        :class:`Busy` (503) when no slot frees within ``slot_wait`` seconds."""
        await self._acquire()
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        future.set_running_or_notify_cancel()  # never cancellable: the thread owns it

        def work() -> None:
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 — handed to the waiting request
                future.set_exception(exc)
            finally:
                self._slots.release()

        threading.Thread(target=work, name="quanze-query", daemon=True).start()
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout or self.timeout)
        except TimeoutError:
            raise QueryTimeout(timeout or self.timeout) from None


# --- the body cap ----------------------------------------------------------------------------

def _too_large(limit: int) -> str:
    return f"请求体超过 {limit} 字节的上限 / the request body exceeds the limit of {limit} bytes"


class BodyTooLarge(ApiError):
    def __init__(self, limit: int):
        super().__init__(413, _too_large(limit))


class BodyLimitMiddleware:
    """413 for request bodies over ``max_body`` bytes, by ``Content-Length`` or while streaming."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_body:
                    await self._reject(scope, send)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._reject(scope, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        """Plain text at the protocol endpoints, the JSON error model elsewhere (api.errors)."""
        if is_protocol_path(scope.get("path", "")):
            body, media = (_too_large(self.max_body) + "\n").encode("utf-8"), b"text/plain; charset=utf-8"
        else:
            body = json.dumps({"status": 413, "error": REASONS[413], "message": _too_large(self.max_body)},
                              ensure_ascii=False).encode("utf-8")
            media = b"application/json"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", media),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
