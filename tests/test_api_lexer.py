"""The query form read from tokens (quanze.store.tokens), as /sparql and `quanze query` read it:
never by running the text, and the same form Oxigraph's parser finds."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from api.lexer import written_graphs
from quanze.store.tokens import prologue_end, query_form, tokenize

QZ = "PREFIX qz: <https://w3id.org/quanze/ns#>\n"

#: Queries Oxigraph parses, whatever their spelling: the form must be the one it finds.
VALID = [
    "SELECT * WHERE { ?s ?p ?o }",
    "select*{}",
    "ASK {}",
    "ask{}",
    "ASKWHERE{}",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "CONSTRUCTWHERE{?s ?p ?o}",
    "DESCRIBE <https://example.org/a>",
    "PREFIX : <https://example.org/> DESCRIBE:x",
    QZ + "ASK { ?s qz:code ?o }",  # the '#' inside the IRI starts no comment
    QZ + "CONSTRUCT { ?s qz:code ?o } WHERE { ?s qz:code ?o }",
    "# SELECT, says the comment\nASK {}",
    "PREFIX ex: <https://example.org/ns#> # a comment: DESCRIBE\nBASE <https://example.org/> ASK { <a> ?p ?o }",
    "PREFIXp:<https://example.org/>ASK{ p:a ?b ?c }",
    "PREFIX:<https://example.org/> SELECT * { :a ?b ?c }",
    "BASE<https://example.org/>CONSTRUCT WHERE { <a> ?b ?c }",
    'VERSION "1.2" ASK {}',
    "VERSION '1.2' PREFIX p: <https://example.org/> SELECT * {}",
    'PREFIX p: <https://example.org/> VERSION"1.2"ASK{}',
    'ASK { ?s ?p "SELECT" }',
]


def oxigraph_form(text: str) -> str:
    result = ox.Store().query(text)  # an empty store: these evaluate at once
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "ask" if isinstance(result, ox.QueryBoolean) else "graph"


@pytest.mark.parametrize("text", VALID)
def test_the_form_is_the_one_oxigraph_finds(text):
    assert query_form(tokenize(text)) == oxigraph_form(text)


@pytest.mark.parametrize("text", [
    "",
    "   # only a comment",
    QZ,  # only a prologue
    "SELEKT * {}",
    "INSERT DATA { <https://example.org/a> <https://example.org/b> 1 }",
    "PREFIX ex: <https://example.org/>",
    "PREFIX ex: ASK {}",  # a declaration without its IRI: no form is read past it
    "\ufeffASK {}",  # Oxigraph refuses a byte order mark
])
def test_no_form_when_the_text_names_none(text):
    assert query_form(tokenize(text)) is None


def test_prologue_end_is_the_first_token_after_the_declarations():
    tokens = tokenize('PREFIX a: <https://example.org/a#> BASE <https://example.org/> VERSION "1.2"\nINSERT DATA {}')
    assert tokens[prologue_end(tokens)].text == "INSERT"
    assert prologue_end(tokenize("INSERT DATA {}")) == 0
    assert prologue_end(tokenize(QZ)) == 3


def test_the_form_of_a_costly_ask_is_read_without_running_it():
    # Why the form is read from tokens: Oxigraph evaluates an ASK as it parses it, however empty
    # the store, and this one for a minute (see test_api_sandbox for the service's side of it).
    numbers = " ".join(str(i) for i in range(400))
    text = f"ASK {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} VALUES ?c {{ {numbers} }} FILTER(?a + ?b + ?c < 0) }}"
    start = time.monotonic()
    assert query_form(tokenize(text)) == "ask"
    assert time.monotonic() - start < 1


@pytest.mark.parametrize(("text", "written"), [
    ('INSERT DATA { GRAPH <http://a> { <s> <p> <o> } }', {"http://a"}),
    ("PREFIX g: <http://x/> DELETE { GRAPH g:a { ?s ?p ?o } } INSERT { GRAPH <http://b> { ?s ?p 1 } } "
     "WHERE { GRAPH <http://c> { ?s ?p ?o } }", {"http://x/a", "http://b"}),  # c is only read
    ("WITH <http://w> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", {"http://w"}),
    ("DELETE WHERE { GRAPH <http://d> { ?s ?p ?o } }", {"http://d"}),
    ("MOVE <http://m1> TO <http://m2> ; COPY DEFAULT TO GRAPH <http://m3> ; CLEAR SILENT GRAPH <http://m4> ; "
     "DROP DEFAULT", {"http://m1", "http://m2", "http://m3", "http://m4"}),
    ("ADD <http://src> TO <http://dst>", {"http://dst"}),
    ("INSERT { GRAPH ?g { ?s ?p 1 } } WHERE { GRAPH ?g { ?s ?p ?o } }", set()),  # bound at run time
    ("INSERT { <s> <p> 1 } USING <http://u> WHERE { ?s ?p ?o }", set()),  # USING is read from
])
def test_the_graphs_an_update_names_where_it_writes(text, written):
    assert written_graphs(tokenize(text), "http://base/") == written
