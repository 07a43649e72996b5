"""What the service reads from a request's tokens.

pyoxigraph parses but does not expose the parsed query, so the few things the service must
know about a request's text — is there a ``SERVICE`` or a ``LOAD``, which graphs does
``FROM`` name, which graphs can an update touch — are read from tokens: those of
:func:`quanze.store.tokens.tokenize` (shared with the ``quanze query`` command, which reads the
query form from them too), where a keyword inside a literal, an IRI, a comment or a name is
never mistaken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from quanze.store.tokens import Token, declared_prefixes
from quanze.store.tokens import tokenize as tokenize  # re-exported: the service's tokens

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


#: SPARQL 1.1's keywords and built-in function names (lower case): a word that is none of them
#: is a keyword glued to another, as far as the service can tell.
SPARQL_WORDS = frozenset((
    "base", "prefix", "select", "construct", "describe", "ask", "from", "named", "where", "order", "by", "asc",
    "desc", "limit", "offset", "distinct", "reduced", "values", "optional", "graph", "union", "minus",
    "filter", "bind", "service", "silent", "as", "group", "having", "not", "in", "exists", "load", "clear",
    "drop", "create", "add", "move", "copy", "to", "insert", "delete", "data", "with", "using", "default",
    "all", "into", "a", "true", "false", "undef", "separator", "str", "lang", "langmatches", "datatype",
    "bound", "iri", "uri", "bnode", "rand", "abs", "ceil", "floor", "round", "concat", "strlen", "ucase",
    "lcase", "encode_for_uri", "contains", "strstarts", "strends", "strbefore", "strafter", "year", "month",
    "day", "hours", "minutes", "seconds", "timezone", "tz", "now", "uuid", "struuid", "md5", "sha1", "sha256",
    "sha384", "sha512", "coalesce", "if", "strlang", "strdt", "sameterm", "isiri", "isuri", "isblank",
    "isliteral", "isnumeric", "regex", "substr", "replace", "count", "sum", "min", "max", "avg", "sample",
    "group_concat",
))


def glued(tokens: list[Token]) -> bool:
    """Whether the text holds a keyword glued to something the tokenizer could not split: a word
    no SPARQL keyword or function is (``DROPALL``), or a prefixed name whose prefix is declared
    nowhere (``DROPGRAPHl:x``) — which Oxigraph may read as keywords, and a standard parser refuses."""
    declared = declared_prefixes(tokens)
    return any((t.kind == "word" and t.keyword not in SPARQL_WORDS)
               or (t.kind == "pname" and t.text.partition(":")[0] not in declared) for t in tokens)


#: Tokens after which, inside brackets, Oxigraph may read ``<`` as "less than" (``FILTER(1<?z#>``).
_OPERAND_KINDS = frozenset({"var", "number", "string", "iri", "pname", "bnode", "langtag"})


def ambiguous(tokens: list[Token]) -> bool:
    """Whether the text may be read otherwise than these tokens say: an IRI right after a value,
    inside brackets, holding ``#`` or ``'`` (``FILTER(1<?z#>`` and a long string after it). The
    tokenizer reads one IRI; Oxigraph reads "less than", then a comment or a string that may hide (or show) what
    follows — a whole operation, a ``LOAD``, a ``SERVICE``. No reading is then trusted: an
    update's targets are unknown (every graph is compared after it), and ``LOAD`` or ``SERVICE``
    anywhere in the text is refused (:func:`api.security.refuse_hidden`)."""
    depth = 0
    for i, t in enumerate(tokens):
        if t.kind == "punct" and t.text in "()":
            depth += 1 if t.text == "(" else -1
        elif (t.kind == "iri" and depth > 0 and i and ("#" in t.text or "'" in t.text)
              and (tokens[i - 1].kind in _OPERAND_KINDS or tokens[i - 1].text in (")", "]")
                   or tokens[i - 1].keyword in ("true", "false"))):
            return True
    return False


def has_keyword(tokens: list[Token], word: str) -> bool:
    """Whether ``word`` (lower case) occurs as a keyword — or may, as Oxigraph reads glued text:
    a word starting with it (``SERVICESILENT``), a name whose undeclared prefix does
    (``SERVICESILENTx:y``), or a keyword split off a name that is also declared whole, where the
    keyword's reading goes on as it must (a ``{`` after ``SERVICE`` and its endpoint)."""
    declared = declared_prefixes(tokens)
    for i, t in enumerate(tokens):
        if t.kind == "word" and t.text.lower().startswith(word):
            if t.whole is None or word != "service":
                return True
            if i + 2 < len(tokens) and tokens[i + 2].text == "{":
                return True
        elif (t.kind == "pname" and t.whole is None and t.text.lower().startswith(word)
              and t.text.partition(":")[0] not in declared):
            return True
    return False


# --- IRIs ------------------------------------------------------------------------------------

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def is_absolute(iri: str) -> bool:
    return bool(_SCHEME.match(iri))


def has_relative_iri(tokens: list[Token]) -> bool:
    """Whether an IRI reference in the text is relative (and so needs a base)."""
    return any(t.kind == "iri" and not is_absolute(_unescape_iri(t.text[1:-1])) for t in tokens)


def _unescape_iri(body: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), body)


class Prologue:
    """``PREFIX`` and ``BASE`` declarations seen so far, to resolve IRIs and prefixed names.

    Oxigraph resolves them, on an empty store, with the declarations in force: Python's
    ``urljoin`` read ``BASE <…/kept#x> DROP GRAPH <>`` as ``…/kept#x`` where Oxigraph drops the
    fragment, and took the dot segments out of a base that Oxigraph keeps — two ways for an
    update to name a graph other than the one the service checked."""

    def __init__(self, base: str | None = None) -> None:
        self.decls: list[str] = [f"BASE <{base}>"] if base else []

    def resolve(self, token: Token) -> str | None:
        """The absolute IRI a token stands for, as Oxigraph reads it, or None when it names none
        (or cannot be resolved: an undeclared prefix, a relative IRI and no base)."""
        if token.kind not in ("iri", "pname"):
            return None
        return _resolved(tuple(self.decls), token.text)

    def feed(self, tokens: list[Token], i: int) -> int:
        """Consume a declaration starting at ``tokens[i]``; the index after it (``i`` if none)."""
        kw = tokens[i].keyword
        if kw == "base" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            self.decls.append(f"BASE {tokens[i + 1].text}")
            return i + 2
        if (kw == "prefix" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname"
                and tokens[i + 1].text.endswith(":") and tokens[i + 2].kind == "iri"):
            self.decls.append(f"PREFIX {tokens[i + 1].text} {tokens[i + 2].text}")
            return i + 3
        return i


_RESOLVER = ox.Store()  # empty: it only parses


@lru_cache(maxsize=4096)
def _resolved(decls: tuple[str, ...], term: str) -> str | None:
    try:
        rows = list(_RESOLVER.query(f"{' '.join(decls)} SELECT ?v WHERE {{ VALUES ?v {{ {term} }} }}"))
    except (SyntaxError, ValueError, OSError):
        return None
    value = rows[0]["v"] if rows else None
    return value.value if isinstance(value, ox.NamedNode) else None


def query_dataset(tokens: list[Token], base: str | None = None) -> tuple[list[str], list[str]]:
    """The graphs a query's ``FROM`` and ``FROM NAMED`` clauses name (resolved), in order."""
    prologue = Prologue(base)
    default: list[str] = []
    named: list[str] = []
    i = 0
    while i < len(tokens):
        j = prologue.feed(tokens, i)
        if j != i:
            i = j
            continue
        if tokens[i].keyword == "from":
            target = named if i + 1 < len(tokens) and tokens[i + 1].keyword == "named" else default
            k = i + 2 if target is named else i + 1
            if k < len(tokens) and (iri := prologue.resolve(tokens[k])) is not None:
                target.append(iri)
            i = k + 1
            continue
        i += 1
    return default, named


_GRAPH_REF = {"graph", "with", "into", "to", "add", "move", "copy", "create", "drop", "clear"}


def update_targets(tokens: list[Token], base: str | None = None, *,
                   graph_variables: bool = False) -> set[str] | None:
    """The named graphs an update may change, or None when that cannot be told from the text.

    Over-approximates: every IRI written after ``GRAPH``, ``WITH``, ``INTO``, ``TO`` and the
    graph management operations counts (a ``GRAPH <g>`` only read in a ``WHERE`` too). None
    for ``GRAPH ?var`` and for ``CLEAR``/``DROP`` ``ALL``/``NAMED``; with ``graph_variables``,
    a ``GRAPH ?var`` is passed over (the caller finds what it binds: :func:`graph_query`)."""
    if glued(tokens) or ambiguous(tokens):
        return None  # a keyword glued to what follows, or a text read two ways: its graphs cannot be told
    prologue = Prologue(base)
    targets: set[str] = set()
    i = 0
    while i < len(tokens):
        j = prologue.feed(tokens, i)
        if j != i:
            i = j
            continue
        kw = tokens[i].keyword
        if kw in _GRAPH_REF:
            k = i + 1
            while k < len(tokens) and tokens[k].keyword in ("silent", "graph"):
                k += 1
            if k < len(tokens):
                nxt = tokens[k]
                if nxt.kind in ("iri", "pname"):
                    iri = prologue.resolve(nxt)
                    whole = prologue.resolve(Token("pname", nxt.whole, nxt.pos)) if nxt.whole else None
                    if iri is None:
                        return None
                    targets |= {iri, whole} - {None}
                elif nxt.keyword in ("all", "named") or (nxt.kind == "var" and not graph_variables):
                    return None
        i += 1
    return targets


def written_graphs(tokens: list[Token], base: str | None = None) -> set[str]:
    """The graphs an update names where it writes: ``GRAPH <g>`` inside an ``INSERT``/``DELETE``
    (``DATA``) block or a ``DELETE WHERE``, ``WITH <g>``, and the graph of ``CREATE``, ``CLEAR``,
    ``DROP`` and of ``ADD``/``COPY``/``MOVE`` (both of ``MOVE``, whose source is emptied; the
    target of the others). A ``GRAPH <g>`` only read in a ``WHERE`` is not one of them.

    Unlike :func:`update_targets` this is no scope to copy, only what the text says it writes:
    enough to refuse, before anything is copied or written, an update that would write a graph
    the loaders keep (an ``INSERT DATA`` into the corpus would otherwise copy its 1.15 M triples
    to compare after the write). A text that cannot be read (glued keywords, read two ways)
    gives what can be read; the comparison after the write still decides for the rest."""
    prologue = Prologue(base)
    out: set[str] = set()

    def iri_at(k: int) -> int:
        while k < len(tokens) and tokens[k].keyword in ("silent", "graph", "default"):
            k += 1
        if k < len(tokens) and tokens[k].kind in ("iri", "pname") and (iri := prologue.resolve(tokens[k])):
            out.add(iri)
        return k

    i = 0
    while i < len(tokens):
        j = prologue.feed(tokens, i)
        if j != i:
            i = j
            continue
        kw = tokens[i].keyword
        if kw in ("insert", "delete"):
            k = i + 2 if _keyword(tokens, i + 1) in ("data", "where") else i + 1
            end = _group_end(tokens, k)
            if end is not None:
                for g in range(k, end):
                    if tokens[g].keyword == "graph":
                        iri_at(g + 1)
                i = end + 1
                continue
        elif kw in ("with", "create", "clear", "drop"):
            i = iri_at(i + 1)
        elif kw in ("add", "copy", "move"):
            k = iri_at(i + 1) if kw == "move" else i + 1
            while k < len(tokens) and tokens[k].keyword != "to":
                k += 1
            i = iri_at(k + 1)
        i += 1
    return out


def drops_every_graph(tokens: list[Token]) -> bool:
    """Whether the update clears or drops every named graph (``CLEAR``/``DROP`` ``ALL``/``NAMED``)."""
    for i, t in enumerate(tokens):
        if t.keyword in ("clear", "drop"):
            k = i + 2 if i + 1 < len(tokens) and tokens[i + 1].keyword == "silent" else i + 1
            if k < len(tokens) and tokens[k].keyword in ("all", "named"):
                return True
    return False


@dataclass(frozen=True)
class GraphQuery:
    """What an update's ``GRAPH ?var`` templates can write: the SELECT of those variables over
    the update's ``WHERE``, and the dataset that ``WHERE`` is matched against — ``default``
    (``WITH``/``USING``; None: the store's own default graph) and ``named`` (``USING NAMED``;
    None: every named graph)."""

    text: str
    variables: tuple[str, ...]
    default: tuple[str, ...] | None
    named: tuple[str, ...] | None


def graph_query(text: str, tokens: list[Token]) -> GraphQuery | None:
    """The graphs an update of one ``DELETE``/``INSERT`` … ``WHERE`` operation writes through
    ``GRAPH ?var`` in its templates are the values its ``WHERE`` binds to those variables
    (SPARQL 1.1 Update §3.1.3: a template quad with an unbound variable is not written). This
    returns that ``WHERE`` as a ``SELECT DISTINCT`` of them, on the same dataset, so the service
    copies and checks those graphs only instead of every graph (the corpus included). None for
    anything else — several operations (the later ones' ``WHERE`` would see the earlier ones'
    writes), ``DROP ALL``, a form the grammar does not have, a ``WHERE`` calling ``RAND()``,
    ``NOW()``, ``UUID()``, ``STRUUID()`` or ``BNODE()``, or cutting rows with ``LIMIT``, ``OFFSET``
    or ``SAMPLE`` (read twice, it may bind other graphs): the caller then assumes every graph. ``text`` is what ``tokens`` were read from (their positions index it)."""
    prologue = Prologue()
    i = 0
    while i < len(tokens) and (j := prologue.feed(tokens, i)) != i:
        i = j
    start, default, named = i, None, None
    if _keyword(tokens, i) == "with":
        if i + 1 >= len(tokens) or (graph := prologue.resolve(tokens[i + 1])) is None:
            return None
        default, i = (graph,), i + 2
    templates: list[tuple[int, int]] = []
    if _keyword(tokens, i) == "delete" and _keyword(tokens, i + 1) == "where":
        end = _group_end(tokens, i + 2)
        if end is None or default is not None:
            return None
        templates.append((i + 2, end))
        where, i = (i + 2, end), end + 1
    else:
        for kw in ("delete", "insert"):
            if _keyword(tokens, i) == kw:
                if (end := _group_end(tokens, i + 1)) is None:
                    return None
                templates.append((i + 1, end))
                i = end + 1
        if not templates:
            return None
        using: list[str] = []
        using_named: list[str] = []
        while _keyword(tokens, i) == "using":
            into = using_named if _keyword(tokens, i + 1) == "named" else using
            k = i + 2 if into is using_named else i + 1
            if k >= len(tokens) or (graph := prologue.resolve(tokens[k])) is None:
                return None
            into.append(graph)
            i = k + 1
        if using or using_named:  # USING replaces the whole dataset, WITH's graph included
            default, named = tuple(using), tuple(using_named)
        if _keyword(tokens, i) != "where" or (end := _group_end(tokens, i + 1)) is None:
            return None
        where, i = (i + 1, end), end + 1
    if i < len(tokens) and tokens[i].text == ";":
        i += 1
    if i != len(tokens) or any(tokens[k].keyword in _CHANCE for k in range(where[0], where[1])):
        return None
    variables = tuple(sorted({tokens[k + 1].text[1:] for a, b in templates for k in range(a, b)
                              if tokens[k].keyword == "graph" and tokens[k + 1].kind == "var"}))
    select = (f"{text[:tokens[start].pos]}SELECT DISTINCT {' '.join('?' + v for v in variables)} WHERE "
              f"{text[tokens[where[0]].pos:tokens[where[1]].pos + 1]}")
    return GraphQuery(select, variables, default, named)


#: What may answer differently when the WHERE is read twice (RAND() < 0.5 chose a kept graph in the
#: update and another in the SELECT before it; which rows a LIMIT, OFFSET or SAMPLE keeps without
#: an order is the engine's choice): the SELECT cannot speak for the update.
_CHANCE = frozenset({"rand", "now", "uuid", "struuid", "bnode", "limit", "offset", "sample"})


def _keyword(tokens: list[Token], i: int) -> str | None:
    return tokens[i].keyword if i < len(tokens) else None


def _group_end(tokens: list[Token], i: int) -> int | None:
    """The index of the ``}`` closing the group that opens at ``tokens[i]`` (None if none does)."""
    if i >= len(tokens) or tokens[i].text != "{":
        return None
    depth = 0
    for k in range(i, len(tokens)):
        if tokens[k].kind == "punct":
            depth += {"{": 1, "}": -1}.get(tokens[k].text, 0)
            if depth == 0:
                return k
    return None
