"""The REST API for legal staff, one module per resource, mounted by :func:`api.app.create_app`.

``/items`` (list, detail, chain), ``/provisions`` (by IRI tail or citation), ``/devolution``
and ``/impact``, ``/validation``, ``/loads`` (catalog; upload with the write token), ``/health``;
``/id/{path}`` and ``/ns`` dereference Quanze's IRIs (Linked Data, content negotiation).
"""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import devolution, health, items, loads, provisions, resources, validation

ROUTERS: list[APIRouter] = [items.router, provisions.router, devolution.router, validation.router, loads.router,
                            health.router, resources.router]

__all__ = ["ROUTERS"]
