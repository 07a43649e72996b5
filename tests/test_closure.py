"""quanze.closure: reachability, as subclass closures and 一链办理 chains use it."""

from quanze.closure import reachable


def test_reachable_follows_edges_through_cycles_and_stops_at_the_component():
    edges = {"a": {"b"}, "b": {"c", "a"}, "c": {"a"}, "x": {"y"}}
    assert reachable("a", edges) == {"a", "b", "c"}
    assert reachable("x", edges) == {"x", "y"}
    assert reachable("lonely", edges) == {"lonely"}
