"""Citations as 权责清单 write them, and the resolver that turns them into provision IRIs.

Grammar (what :func:`parse` accepts)::

    citations := (title refs?)+               separated by ；; ， 、 or spaces
    title     := 《…》 (nested 〈…〉 or 《…》 kept), also << … >>; or bare, as people type it
                 (药品管理法第四十一条): right before 第N条, ending in 法, 条例, 规定, 办法 …
    refs      := ref (sep ref)*
    ref       := 第N条[之N] [第N款] [第N项]  |  第N款 [第N项]  |  第N项
    N         := Chinese numerals (第一百二十三条) or digits (第123条, full-width too)

A ``第N款`` or ``第N项`` after a separator continues the article (or paragraph) before it:
``第十二条、第十三条第二款第三项`` is two references; ``第五十一条第一款、第二款`` is two
paragraphs of article 51. A title without references cites the whole instrument.

The resolver answers each reference with a provision IRI at the granularity cited, or
with the reason it could not: unknown title, ambiguous title, no such article, paragraph or
item, repealed instrument. Nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quanze.namespaces import ELI, QZ
from quanze.numerals import NUMERAL_CHARS, article_label, paragraph_label, point_label, to_int
from quanze.store import Iri, Store

_NUM = rf"[{NUMERAL_CHARS}0-9０-９]+"
# A title written without 《》, as people type one (药品管理法第四十一条): only right before an
# article, and ending the way titles of laws and regulations end.
_BARE_END = r"(?:法|法典|条例|规定|办法|细则|规则|决定|规程|通知|意见|章程|纲要)"
_TOKEN = re.compile(
    rf"(?P<title>《(?:[^《》]|《[^《》]*》)+》)"
    rf"|(?P<bare>(?:(?!第\s*{_NUM}\s*[条款项])[^《》、，,；;\s])+?{_BARE_END})(?=第\s*{_NUM}\s*条)"
    rf"|第\s*(?P<art>{_NUM})\s*条(?:之(?P<ins>{_NUM}))?"
    rf"|第\s*(?P<par>{_NUM})\s*款"
    rf"|第\s*(?P<item>{_NUM})\s*项"
    rf"|(?P<sep>[、，,；;和及与以及\s]+)"
)


def book_title(title: str) -> str:
    """《title》, with the title marks inside it turned to 〈〉 as Chinese typography nests them:
    《山东省实施〈中华人民共和国渔业法〉办法》."""
    return f"《{title.replace('《', '〈').replace('》', '〉')}》"


@dataclass(frozen=True)
class Reference:
    """One cited unit: a title and optionally article, paragraph and item numbers."""

    title: str
    article: int | None = None
    insert: int | None = None
    paragraph: int | None = None
    item: int | None = None

    def label(self) -> str:
        out = book_title(self.title)
        if self.article:
            out += article_label(self.article, self.insert)
        if self.paragraph:
            out += paragraph_label(self.paragraph)
        if self.item:
            out += point_label(self.item)
        return out


class CitationSyntaxError(ValueError):
    def __init__(self, text: str, pos: int):
        self.text, self.pos = text, pos
        self.reason_zh = f"无法识别的引用文字“{text[pos:pos + 12]}”（第 {pos + 1} 个字符）"
        self.reason_en = f"cannot read the citation at character {pos + 1}: {text[pos:pos + 12]!r}"
        super().__init__(f"{self.reason_zh} / {self.reason_en}")


def normalise(text: str) -> str:
    """Unify punctuation real lists mix: <<…>>, full-width digits and separators."""
    return (text.replace("<<", "《").replace(">>", "》").replace("〈", "《").replace("〉", "》")
            .replace("\u3000", " ").strip())


def parse(text: str) -> list[Reference]:
    text = normalise(text)
    refs: list[Reference] = []
    title: str | None = None
    cur: dict[str, int | None] = {}
    pending = False  # cur holds a reference not yet emitted
    after_sep = True
    pos = 0

    def flush() -> None:
        nonlocal pending
        if pending and title is not None:
            refs.append(Reference(title, cur.get("article"), cur.get("insert"), cur.get("paragraph"), cur.get("item")))
        pending = False

    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise CitationSyntaxError(text, pos)
        pos = m.end()
        if m.group("title") or m.group("bare"):
            flush()
            if title is not None and not any(r.title == title for r in refs):
                refs.append(Reference(title))  # the previous title had no article: whole instrument
            title = m.group("title")[1:-1] if m.group("title") else m.group("bare")
            cur, after_sep = {}, True
        elif m.group("sep"):
            after_sep = True
        elif title is None:
            raise CitationSyntaxError(text, m.start())
        elif m.group("art"):
            flush()
            cur = {"article": to_int(m.group("art")), "insert": to_int(m.group("ins")) if m.group("ins") else None}
            pending, after_sep = True, False
        elif m.group("par"):
            if pending and not after_sep and cur.get("paragraph") is None and cur.get("item") is None:
                cur["paragraph"] = to_int(m.group("par"))
            else:
                flush()
                if cur.get("article") is None:
                    raise CitationSyntaxError(text, m.start())
                cur = {"article": cur["article"], "insert": cur.get("insert"), "paragraph": to_int(m.group("par"))}
            pending, after_sep = True, False
        else:  # item
            if pending and not after_sep and cur.get("item") is None:
                cur["item"] = to_int(m.group("item"))
            else:
                flush()
                if cur.get("article") is None:
                    raise CitationSyntaxError(text, m.start())
                cur = {**cur, "item": to_int(m.group("item"))}
            pending, after_sep = True, False
    flush()
    if title is not None and not any(r.title == title for r in refs):
        refs.append(Reference(title))
    return refs


# --- resolving --------------------------------------------------------------------------------

@dataclass
class Resolution:
    reference: Reference
    iri: str | None
    reason_zh: str | None = None
    reason_en: str | None = None
    instrument: str | None = None  # the version IRI
    current: bool = True

    @property
    def ok(self) -> bool:
        return self.iri is not None


def title_key(title: str) -> str:
    """What two spellings of one title share: no brackets, no 中华人民共和国, no spaces."""
    return re.sub(r"[《》〈〉<>\s\u3000]", "", title).replace("中华人民共和国", "")


@dataclass
class _Version:
    iri: str
    title: str
    date: str
    current: bool
    status: str


@dataclass
class Resolver:
    """Resolves references against the laws graph of a store (loaded once, then cached)."""

    store: Store
    _titles: dict[str, set[str]] = field(default_factory=dict)  # key → work titles
    _versions: dict[str, list[_Version]] = field(default_factory=dict)  # work title → versions
    _exists: dict[str, bool] = field(default_factory=dict)  # provision IRI → stored?
    _loaded: bool = False

    def _load(self) -> None:
        rows = self.store.select(f"""
            SELECT ?v ?title ?short ?date ?current ?status WHERE {{
              ?v a <{QZ.InstrumentVersion}> ; <{ELI.title}> ?title ; <{QZ.versionOf}> ?w ;
                 <{QZ.current}> ?current ; <{QZ.status}> ?status .
              OPTIONAL {{ ?v <{ELI.version_date}> ?date }}
              OPTIONAL {{ ?w <{ELI.title_short}> ?short }}
            }}""")
        for r in rows:
            title = str(r["title"])
            versions = self._versions.setdefault(title, [])
            if not any(v.iri == r["v"] for v in versions):
                versions.append(_Version(str(r["v"]), title, str(r["date"] or ""), bool(r["current"]), str(r["status"])))
            for name in (title, r["short"]):
                if name:
                    self._titles.setdefault(title_key(str(name)), set()).add(title)
        self._loaded = True

    def exists(self, iri: str) -> bool:
        """Is this article, paragraph or item stored? Asked once per IRI: a list cites a few
        hundred distinct provisions, the corpus has a quarter of a million."""
        known = self._exists.get(iri)
        if known is None:
            known = self._exists[iri] = self.store.ask(
                f"ASK {{ VALUES ?s {{ UNDEF }} ?s <{QZ.ordinal}> ?n }}", {"s": Iri(iri)})
        return known

    def resolve_text(self, text: str) -> list[Resolution]:
        """Every reference in a 设定依据 string; a syntax error becomes one failed resolution."""
        try:
            refs = parse(text)
        except CitationSyntaxError as exc:
            return [Resolution(Reference(text), None, exc.reason_zh, exc.reason_en)]
        if not refs:
            return [Resolution(Reference(text), None, "没有可识别的引用", "no citation found")]
        return [self.resolve(r) for r in refs]

    def resolve(self, ref: Reference) -> Resolution:
        if not self._loaded:
            self._load()
        titles = self._titles.get(title_key(ref.title), set())
        if not titles:
            return Resolution(ref, None, f"未知的法规名称{book_title(ref.title)}", f"unknown title {book_title(ref.title)}")
        if len(titles) > 1:
            names = "、".join(book_title(t) for t in sorted(titles))
            return Resolution(ref, None, f"法规名称不明确，可能是 {names}", f"ambiguous title: could be {names}")
        versions = self._versions[next(iter(titles))]
        version = next((v for v in versions if v.current), max(versions, key=lambda v: v.date))
        if version.status == "废止":
            return Resolution(ref, None, f"{book_title(version.title)}已废止", f"{book_title(version.title)} is repealed",
                              instrument=version.iri, current=False)
        iri = version.iri
        if ref.article is not None:
            iri += f"/art_{ref.article}" + (f"-{ref.insert}" if ref.insert else "")
            if not self.exists(iri):
                return Resolution(ref, None, f"{book_title(version.title)}没有{ref.label().rsplit('》', 1)[1]}",
                                  f"{book_title(version.title)} has no article {ref.article}", instrument=version.iri)
            if ref.paragraph is not None:
                iri += f"/par_{ref.paragraph}"
                if not self.exists(iri):
                    return Resolution(ref, None, f"{ref.label()}：该条没有第{ref.paragraph}款",
                                      f"article {ref.article} has no paragraph {ref.paragraph}", instrument=version.iri)
            if ref.item is not None:
                if ref.paragraph is None:
                    # 第十条第三项: the item of whichever paragraph has one with that number.
                    candidates = [str(r["p"]) for r in self.store.select(
                        f"SELECT ?p WHERE {{ VALUES ?a {{ UNDEF }} ?p <{ELI.is_part_of}>/<{ELI.is_part_of}> ?a ;"
                        f" <{QZ.ordinal}> ?n . VALUES ?n {{ UNDEF }} }}", {"a": Iri(iri), "n": ref.item})]
                    if len(candidates) != 1:
                        return Resolution(ref, None, f"{ref.label()}：找不到唯一的第{ref.item}项",
                                          f"article {ref.article} has no single item {ref.item}", instrument=version.iri)
                    iri = candidates[0]
                else:
                    iri += f"/pt_{ref.item}"
                    if not self.exists(iri):
                        return Resolution(ref, None, f"{ref.label()}：该款没有第{ref.item}项",
                                          f"paragraph {ref.paragraph} has no item {ref.item}", instrument=version.iri)
        return Resolution(ref, iri, instrument=version.iri, current=version.current)
