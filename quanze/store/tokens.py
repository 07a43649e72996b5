"""A SPARQL tokenizer that sees keywords where the parser sees them, and the query form it reads.

pyoxigraph parses but does not expose the parsed query, and has no parse-only call: its
``Store.query`` evaluates (an ``ASK``, or a ``SELECT`` with ``ORDER BY``, at once, however
empty the store). So what the service and the ``quanze query`` command must know about a
text before running it is read from tokens. The token rules follow the SPARQL 1.1 grammar's
terminals (§19.8): strings (all four quotings, with escapes), IRIs, prefixed names, variables,
blank node labels and language tags are single tokens and comments are dropped, so a keyword
inside a literal, an IRI, a comment or a name (``"SERVICE"``, ``<http://x/#LOAD>``,
``?service``, ``ex:load``) is never mistaken for one, and a keyword written in any case
(``sErViCe``) is still found. :mod:`api.lexer` reads the rest of what the service checks
from these tokens.

Like Oxigraph, ``\\uXXXX`` escapes are only decoded inside strings and IRIs, so they cannot
spell a keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


#: Keywords Oxigraph also reads glued to what follows (``GRAPHl:x`` as ``GRAPH l:x``,
#: ``DROPALL`` as ``DROP ALL``, ``SERVICESILENT<…>``), where the grammar's longest match makes
#: one prefixed name or one unknown word of them.
_GLUED = ("graph", "service", "load", "with", "into", "using", "named", "from", "silent", "drop", "clear",
          "create", "copy", "move", "add", "to")


def tokenize(text: str) -> list[Token]:
    """The significant tokens of a query or update (whitespace and comments dropped).

    A prefixed name that is a keyword glued to a declared prefix (``GRAPHl:x`` with ``l:``
    declared, ``SERVICEex:s``) is two tokens, keyword and name, as Oxigraph's parser reads it:
    else ``GRAPHl:x`` would write a graph no target names, and ``SERVICEex:s`` call it. Where the
    whole prefix (``GRAPHl:``) is declared too, either reading may be Oxigraph's: both parts keep
    the whole name (``whole``), and the service assumes each reading in turn (targets, SERVICE).
    Other glued forms (``DROPALL``, ``SERVICESILENTx:y``) stay an unknown word or a name with an
    undeclared prefix: :func:`api.lexer.glued` finds them."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    declared = declared_prefixes(out)
    return [part for i, tok in enumerate(out)
            for part in ([tok] if i and out[i - 1].keyword == "prefix" else _unglued(tok, declared))]


def declared_prefixes(tokens: list[Token]) -> set[str]:
    """The prefixes a text declares (``PREFIX p: <…>`` gives ``p``)."""
    return {tokens[i + 1].text[:-1] for i in range(len(tokens) - 1)
            if tokens[i].keyword == "prefix" and tokens[i + 1].kind == "pname" and tokens[i + 1].text.endswith(":")}


def _unglued(tok: Token, declared: set[str]) -> list[Token]:
    if tok.kind != "pname":
        return [tok]
    prefix, _, local = tok.text.partition(":")
    for word in _GLUED:
        rest = prefix[len(word):]
        if prefix.lower().startswith(word) and rest in declared:
            whole = tok.text if prefix in declared else None
            return [Token("word", prefix[: len(word)], tok.pos, whole),
                    Token("pname", f"{rest}:{local}", tok.pos + len(word), whole)]
    return [tok]


# --- the query form ---------------------------------------------------------------------------

#: The keyword each query form starts with, and how it is answered: SPARQL results (``select``,
#: ``ask``) or an RDF graph (``graph``: CONSTRUCT, DESCRIBE).
_FORMS = (("select", "select"), ("ask", "ask"), ("construct", "graph"), ("describe", "graph"))


#: The prologue's declarations: the keyword each starts with, and the kind of token that ends it.
_DECLARATIONS = (("base", "iri"), ("prefix", "iri"), ("version", "string"))


def prologue_end(tokens: list[Token]) -> int:
    """The index of the first token after the prologue: ``BASE <iri>``, ``PREFIX p: <iri>`` and
    SPARQL 1.2's ``VERSION "1.2"`` declarations, in any order and number.

    A declaration ends at its IRI or string, one or two tokens on: Oxigraph also reads
    ``PREFIXp:<iri>`` (one name token) and ``BASE<iri>``, and no query form or update operation
    begins with ``base``, ``prefix`` or ``version``."""
    i = 0
    while i < len(tokens) and tokens[i].kind in ("word", "pname"):
        head = tokens[i].text.lower()
        ends = next((kind for keyword, kind in _DECLARATIONS if head.startswith(keyword)), None)
        end = next((k for k in (i + 1, i + 2) if k < len(tokens) and tokens[k].kind == ends), None)
        if end is None:
            break
        i = end + 1
    return i


def query_form(tokens: list[Token]) -> str | None:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT, DESCRIBE): the form the first keyword after
    the prologue names; None when it names none (the text is no query: running it tells why).

    Read from tokens, never by running the text: no call of pyoxigraph parses without
    evaluating, and an ``ASK`` of ``VALUES`` blocks costs its evaluation even on an empty store.
    The keyword is matched by its start, as Oxigraph reads a keyword glued to what follows
    (``CONSTRUCTWHERE``, ``DESCRIBE:x``)."""
    i = prologue_end(tokens)
    if i >= len(tokens) or tokens[i].kind not in ("word", "pname"):
        return None
    head = tokens[i].text.lower()
    return next((form for keyword, form in _FORMS if head.startswith(keyword)), None)
