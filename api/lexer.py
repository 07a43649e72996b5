"""A SPARQL tokenizer that sees keywords where the parser sees them.

pyoxigraph parses but does not expose the parsed query, so the few things the service must
know about a request's text — is there a ``SERVICE`` or a ``LOAD``, which graphs does
``FROM`` name, which graphs can an update touch — are read from tokens. The token rules
follow the SPARQL 1.1 grammar's terminals (§19.8): strings (all four quotings, with
escapes), IRIs, prefixed names, variables, blank node labels and language tags are single
tokens and comments are dropped, so a keyword inside a literal, an IRI, a comment or a name
(``"SERVICE"``, ``<http://x/#LOAD>``, ``?service``, ``ex:load``) is never mistaken for one,
and a keyword written in any case (``sErViCe``) is still found.

Like Oxigraph, ``\\uXXXX`` escapes are only decoded inside strings and IRIs, so they cannot
spell a keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

_PN_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_PLX = rf"(?:%[0-9A-Fa-f]{{2}}|{_PN_LOCAL_ESC})"

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
             |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
             |'(?:[^'\\\n\r]|\\.)*'
             |"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00B7]+)
  | (?P<bnode>_:\w(?:[\w.\-\u00B7]*[\w\-\u00B7])?)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:(?:[\w:]|{_PLX})(?:(?:[\w.:\-\u00B7]|{_PLX})*(?:[\w:\-\u00B7]|{_PLX}))?)?)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESC = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, var, bnode, pname, langtag, word, number, punct
    text: str
    pos: int
    whole: str | None = None  # a name split off a glued keyword: the prefixed name it was part of

    @property
    def keyword(self) -> str | None:
        """The word in lower case when the token is a bare word (a keyword or function name)."""
        return self.text.lower() if self.kind == "word" else None


#: Keywords Oxigraph also reads glued to a prefixed name that follows (``GRAPHl:x`` as
#: ``GRAPH l:x``), where the grammar's longest match makes one prefixed name of them.
_GLUED = ("graph", "service", "load", "with", "into", "using", "named", "from", "silent", "drop", "clear",
          "create", "copy", "move", "add", "to")


def tokenize(text: str) -> list[Token]:
    """The significant tokens of a query or update (whitespace and comments dropped).

    A prefixed name that is a keyword glued to a declared prefix (``GRAPHl:x`` with ``l:``
    declared, ``SERVICEex:s``) is two tokens, keyword and name, as Oxigraph's parser reads it:
    else ``GRAPHl:x`` would write a graph no target names, and ``SERVICEex:s`` call it. Where
    ``GRAPHl:`` is declared too, the name keeps the whole reading (``whole``), for the targets."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    declared = {out[i + 1].text[:-1] for i in range(len(out) - 1)
                if out[i].keyword == "prefix" and out[i + 1].kind == "pname" and out[i + 1].text.endswith(":")}
    return [part for i, tok in enumerate(out)
            for part in ([tok] if i and out[i - 1].keyword == "prefix" else _unglued(tok, declared))]


def _unglued(tok: Token, declared: set[str]) -> list[Token]:
    if tok.kind != "pname":
        return [tok]
    prefix, _, local = tok.text.partition(":")
    for word in _GLUED:
        rest = prefix[len(word):]
        if prefix.lower().startswith(word) and rest in declared and (rest or prefix not in declared):
            return [Token("word", prefix[: len(word)], tok.pos),
                    Token("pname", f"{rest}:{local}", tok.pos + len(word), tok.text if prefix in declared else None)]
    return [tok]


def has_keyword(tokens: list[Token], word: str) -> bool:
    """Whether ``word`` (lower case) occurs as a keyword."""
    return any(t.keyword == word for t in tokens)


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
    """``PREFIX`` and ``BASE`` declarations seen so far, to resolve IRIs and prefixed names."""

    def __init__(self, base: str | None = None) -> None:
        self.base = base
        self.prefixes: dict[str, str] = {}

    def resolve(self, token: Token) -> str | None:
        """The absolute IRI a token stands for, or None when it names none (or cannot be resolved)."""
        if token.kind == "iri":
            iri = _unescape_iri(token.text[1:-1])
            if self.base and not is_absolute(iri):
                iri = urljoin(self.base, iri)
            return iri
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            ns = self.prefixes.get(prefix)
            return None if ns is None else ns + _LOCAL_ESC.sub(r"\1", local)
        return None

    def feed(self, tokens: list[Token], i: int) -> int:
        """Consume a declaration starting at ``tokens[i]``; the index after it (``i`` if none)."""
        kw = tokens[i].keyword
        if kw == "base" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            self.base = self.resolve(tokens[i + 1])
            return i + 2
        if (kw == "prefix" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname"
                and tokens[i + 1].text.endswith(":") and tokens[i + 2].kind == "iri"):
            ns = self.resolve(tokens[i + 2])
            if ns is not None:
                self.prefixes[tokens[i + 1].text[:-1]] = ns
            return i + 3
        return i


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


def update_targets(tokens: list[Token], base: str | None = None) -> set[str] | None:
    """The named graphs an update may change, or None when that cannot be told from the text.

    Over-approximates: every IRI written after ``GRAPH``, ``WITH``, ``INTO``, ``TO`` and the
    graph management operations counts (a ``GRAPH <g>`` only read in a ``WHERE`` too). None
    for ``GRAPH ?var`` and for ``CLEAR``/``DROP`` ``ALL``/``NAMED``."""
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
                elif nxt.kind == "var" or nxt.keyword in ("all", "named"):
                    return None
        i += 1
    return targets
