"""Reachability over an adjacency map: subclass closures (validation), 一链办理 chains (devolution)."""

from __future__ import annotations

from collections.abc import Mapping


def reachable(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    """``start`` and every node reachable from it through ``edges``."""
    out, todo = {start}, [start]
    while todo:
        for n in edges.get(todo.pop(), ()):
            if n not in out:
                out.add(n)
                todo.append(n)
    return out
