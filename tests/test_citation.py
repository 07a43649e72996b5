"""The citation grammar (property-based) and the resolver on real citations of the corpus."""

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quanze.citation import CitationSyntaxError, Reference, Resolver, book_title, parse
from quanze.numerals import to_chinese
from quanze.settings import ROOT

numbers = st.integers(min_value=1, max_value=300)
titles = st.sampled_from(["中华人民共和国药品管理法", "药品管理法", "山东省实施《中华人民共和国渔业法》办法"])


@given(titles, numbers, st.one_of(st.none(), numbers), st.one_of(st.none(), numbers), st.booleans())
def test_any_single_reference_parses_back(title, art, par, item, arabic):
    n = (lambda x: str(x)) if arabic else to_chinese
    text = f"《{title}》第{n(art)}条" + (f"第{n(par)}款" if par else "") + (f"第{n(item)}项" if item else "")
    ref = parse(text)
    assert ref == [Reference(title.replace("《", "《").replace("》", "》"), art, None, par, item)]


@given(st.lists(st.tuples(numbers, st.one_of(st.none(), numbers)), min_size=1, max_size=5), st.sampled_from(["、", "，", ",", "；"]))
def test_several_articles_after_one_title(refs, sep):
    text = "《药品管理法》" + sep.join(f"第{to_chinese(a)}条" + (f"第{to_chinese(p)}款" if p else "") for a, p in refs)
    assert [(r.article, r.paragraph) for r in parse(text)] == refs


def test_continuations_and_several_titles():
    refs = parse("《中华人民共和国药品管理法》第五十一条第一款、第二款；《药品管理法实施条例》第十二条、第十三条第二款第三项")
    assert [(r.title, r.article, r.paragraph, r.item) for r in refs] == [
        ("中华人民共和国药品管理法", 51, 1, None), ("中华人民共和国药品管理法", 51, 2, None),
        ("药品管理法实施条例", 12, None, None), ("药品管理法实施条例", 13, 2, 3)]


def test_half_width_and_nested_titles():
    assert parse("<<药品管理法>>第41条; 《山东省实施〈中华人民共和国渔业法〉办法》第十条")[1].title == \
        "山东省实施《中华人民共和国渔业法》办法"
    assert parse("《行政许可法》")[0] == Reference("行政许可法")
    assert parse("《安全生产法》第十条之一")[0].insert == 1


def test_garbage_is_an_error():
    with pytest.raises(CitationSyntaxError):
        parse("见药品管理法")
    with pytest.raises(CitationSyntaxError):  # no title, bracketed or bare, before the article
        parse("见第十二条")


def test_bare_titles_before_an_article():
    """A title without 《》 counts right before 第N条 when it ends as titles do; and a bare title
    containing 和 (中华人民共和国…) is not split at it."""
    assert parse("中华人民共和国药品管理法第四十一条；药品管理法实施条例第十二条、第十三条第二款") == [
        Reference("中华人民共和国药品管理法", 41), Reference("药品管理法实施条例", 12),
        Reference("药品管理法实施条例", 13, paragraph=2)]


@pytest.fixture(scope="module")
def resolver(corpus_store):
    return Resolver(corpus_store)


@pytest.mark.parametrize("text, tail", [
    ("《中华人民共和国药品管理法》第四十一条第一款", "中华人民共和国药品管理法/2019-08-26/art_41/par_1"),
    ("《药品管理法》第41条第1款", "中华人民共和国药品管理法/2019-08-26/art_41/par_1"),
    ("《行政许可法》第十二条第一项", "art_12/par_1/pt_1"),
    ("《民法典》第一千零三十二条", "中华人民共和国民法典/2020-05-28/art_1032"),
    # titles without 《》, as people type them
    ("药品管理法第四十一条第一款", "中华人民共和国药品管理法/2019-08-26/art_41/par_1"),
    ("中华人民共和国药品管理法第41条", "中华人民共和国药品管理法/2019-08-26/art_41"),
])
def test_resolves_real_citations(resolver, text, tail):
    (res,) = resolver.resolve_text(text)
    assert res.ok, res.reason_en
    assert res.iri.endswith(tail)


@pytest.mark.parametrize("text, reason", [
    ("《不存在的法》第一条", "unknown title"),
    ("《药品管理法》第九百条", "has no article"),
    ("《药品管理法》第四十一条第九款", "no paragraph"),
    ("《药品管理法》第四十一条第一款第九项", "no item"),
])
def test_unresolvable_citations_say_why(resolver, text, reason):
    (res,) = resolver.resolve_text(text)
    assert not res.ok and reason in res.reason_en and res.reason_zh


@given(titles, numbers)
def test_a_title_within_a_title_is_nested_with_angle_marks(title, art):
    """Chinese typography nests title marks as 〈〉 inside 《》; the label parses back to the same reference."""
    label = Reference(title, art).label()
    assert label.startswith(book_title(title)) and label.count("《") == 1 and label.count("》") == 1
    assert parse(label) == [Reference(title, art)]


def test_messages_nest_the_title_marks(resolver):
    (res,) = resolver.resolve_text("《山东省实施〈中华人民共和国渔业法〉办法》第九百条")
    assert not res.ok and "《山东省实施〈中华人民共和国渔业法〉办法》没有第九百条" in res.reason_zh, res.reason_zh


def test_every_sample_citation_resolves(resolver):
    """The shipped sample cites only real provisions of the corpus."""
    with open(ROOT / "data/samples/shandong-provincial.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    failures = [(r["事项编码"], x.reference, x.reason_en) for r in rows for col in ("设定依据", "实施依据") if r[col]
                for x in resolver.resolve_text(r[col]) if not x.ok]
    assert failures == []


def test_sample_names_fit_their_articles(corpus_store, resolver):
    """Each item's name shares a two-character term with the text it cites (a real list's item
    is named after what its article regulates)."""
    from quanze.devolution import query_text
    from quanze.store import Iri

    with open(ROOT / "data/samples/shandong-provincial.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    misfits = []
    for r in rows:
        iris = [x.iri for x in resolver.resolve_text(r["设定依据"]) if x.ok]
        articles = {i.split("/par_")[0] for i in iris}
        text = "".join(str(t["text"]) for t in corpus_store.select(query_text("article_text"),
                                                                    {"article": [Iri(a) for a in articles]}))
        name = r["事项名称"]
        if not any(name[k:k + 2] in text for k in range(len(name) - 1)):
            misfits.append((r["事项编码"], name))
    assert misfits == []


def test_malformed_citation_comes_back_with_its_reason(resolver):
    """Regression: a syntax error once crashed resolve_text (it split its own message)."""
    (res,) = resolver.resolve_text("《药品管理法》第四十一条（一）")
    assert not res.ok and "character" in res.reason_en and "无法识别" in res.reason_zh
