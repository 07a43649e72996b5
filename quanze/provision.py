"""Reading one legal text into its provisions: 章, 条, 款, 项.

The corpus format (see the laws README) puts each paragraph on its own line. The numbering
rules, which the citation resolver, the hand-labelled fixture and the level extractor all
share, are:

* an article (条) starts a line with ``第X条`` (or ``第X条之一``) followed by white space;
  numbers must increase (a repeat or a step back rejects the file; a skipped number, which
  real published texts have, is kept with a warning);
  its first paragraph (第一款) is the rest of that line;
* a line starting with ``（一）`` / ``(一)`` is an item (项) of the paragraph before it,
  numbered by its own numeral; lines such as ``1．`` below an item belong to that item;
* any other non-blank line inside an article starts the next paragraph (款);
* ``#`` headings close the article; ``第X章`` / ``第X节`` / ``第X编`` headings set the
  chapter context; headings such as ``附件`` end the articles of the instrument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from quanze.numerals import NUMERAL_CHARS, article_label, to_int

# A stray space before 条 occurs in the corpus (刑事诉讼法: "第一百二十八 条"); tolerate it.
ARTICLE_RE = re.compile(rf"^第([{NUMERAL_CHARS}]+)[ \u3000]?条(?:之([{NUMERAL_CHARS}]+))?(?:[ \t\u3000]+|$)(.*)$")
POINT_RE = re.compile(rf"^[（(]([{NUMERAL_CHARS}]+)[）)]\s*(.*)$")
SUBPOINT_RE = re.compile(r"^\d+[．.、]")
DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(.*)$")
HEADING_RE = re.compile(rf"^(#+)\s*(第([{NUMERAL_CHARS}]+)([编章节]))?\s*(.*)$")
END_OF_ARTICLES = ("附件", "附表", "附录")


class ParseError(ValueError):
    """A text that cannot be read as an instrument; carries its path and line."""

    def __init__(self, path: str, line: int, reason_zh: str, reason_en: str):
        self.path, self.line, self.reason_zh, self.reason_en = path, line, reason_zh, reason_en
        super().__init__(f"{path}:{line}: {reason_zh} / {reason_en}")


@dataclass
class Point:
    """项: an enumerated item of a paragraph."""

    number: int
    text: str
    line: int


@dataclass
class Paragraph:
    """款: a paragraph of an article; its items follow it."""

    number: int
    text: str
    line: int
    points: list[Point] = field(default_factory=list)


@dataclass
class Article:
    """条, numbered ``number`` (and ``insert`` for 第X条之一)."""

    number: int
    insert: int | None
    line: int
    chapter: str | None
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``'51'`` or ``'51-1'`` for 第五十一条之一: the form used in IRIs and fixtures."""
        return f"{self.number}" + (f"-{self.insert}" if self.insert else "")

    @property
    def label(self) -> str:
        return article_label(self.number, self.insert)

    @property
    def text(self) -> str:
        lines = []
        for p in self.paragraphs:
            lines.append(p.text)
            lines.extend(pt.text for pt in p.points)
        return "\n".join(lines)


@dataclass
class Chapter:
    label: str  # 第一章
    title: str  # 总则
    kind: str  # 编 / 章 / 节
    number: int
    line: int


@dataclass
class ParsedText:
    path: str
    title: str
    part: str | None
    dates: list[tuple[str, str]]
    chapters: list[Chapter]
    articles: list[Article]
    warnings: list[ParseError] = field(default_factory=list)


def read_text(path: Path, rel: str | None = None) -> ParsedText:
    """Parse the file at ``path``; errors name ``rel`` (the path as users know it)."""
    rel = rel or str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ParseError(rel, line, "文件不是有效的 UTF-8 编码", "bytes are not valid UTF-8") from None
    return parse(text, rel)


def parse(text: str, rel: str = "<text>") -> ParsedText:
    lines = text.lstrip("\ufeff").splitlines()
    title_idx = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if title_idx is None or not lines[title_idx].startswith("# ") or not lines[title_idx][2:].strip():
        raise ParseError(rel, (title_idx or 0) + 1, "缺少标题行（# 标题）", "no title line ('# title')")
    title = lines[title_idx][2:].strip()
    part = None
    i = title_idx + 1
    dates: list[tuple[str, str]] = []
    has_info_end = any(ln.strip() == "<!-- INFO END -->" for ln in lines)
    if has_info_end:
        while i < len(lines) and lines[i].strip() != "<!-- INFO END -->":
            ln = lines[i].strip()
            if ln.startswith("# ") and part is None:
                part = ln[2:].strip()
            m = DATE_RE.match(ln)
            if m:
                y, mo, d, event = m.groups()
                dates.append((f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", event.strip()))
            i += 1
        i += 1
    chapters: list[Chapter] = []
    articles: list[Article] = []
    seen: dict[str, int] = {}
    warnings: list[ParseError] = []
    current: Article | None = None
    chapter_label: str | None = None
    for lineno in range(i, len(lines)):
        ln = lines[lineno].rstrip()
        stripped = ln.strip()
        if not stripped:
            continue
        n = lineno + 1
        if stripped.startswith("#"):
            current = None
            h = HEADING_RE.match(stripped)
            if h and h.group(2):
                kind = h.group(4)
                label = h.group(2)
                chapters.append(Chapter(label, h.group(5).strip(), kind, to_int(h.group(3)), n))
                chapter_label = f"{label} {h.group(5).strip()}".strip()
            elif h and h.group(5).replace(" ", "").replace("\u3000", "").startswith(END_OF_ARTICLES):
                break
            continue
        m = ARTICLE_RE.match(stripped)
        if m:
            number = to_int(m.group(1))
            insert = to_int(m.group(2)) if m.group(2) else None
            art = Article(number, insert, n, chapter_label)
            if art.key in seen:
                raise ParseError(rel, n, f"条文序号重复：{art.label}（首见于第 {seen[art.key]} 行）",
                                 f"duplicate article number {art.key} (first at line {seen[art.key]})")
            if articles and (number, insert or 0) <= (articles[-1].number, articles[-1].insert or 0):
                raise ParseError(rel, n, f"条文序号倒序：{articles[-1].label} 之后是 {art.label}",
                                 f"broken article numbering: {articles[-1].key} followed by {art.key}")
            if articles and insert is None and number > articles[-1].number + 1:
                # Real texts skip numbers (the published text omits them); keep the file, say so.
                warnings.append(ParseError(rel, n, f"条文序号跳过：{articles[-1].label} 之后是 {art.label}",
                                           f"article numbering skips: {articles[-1].key} followed by {art.key}"))
            seen[art.key] = n
            art.paragraphs.append(Paragraph(1, m.group(3).strip(), n))
            articles.append(art)
            current = art
            continue
        if current is None:
            continue  # preamble, 序言, or text outside articles
        p = POINT_RE.match(stripped)
        last_par = current.paragraphs[-1]
        if p:
            try:
                number = to_int(p.group(1))
            except ValueError:
                number = len(last_par.points) + 1
            last_par.points.append(Point(number, stripped, n))
        elif SUBPOINT_RE.match(stripped) and last_par.points:
            pt = last_par.points[-1]
            pt.text = f"{pt.text}\n{stripped}"
        else:
            current.paragraphs.append(Paragraph(len(current.paragraphs) + 1, stripped, n))
    return ParsedText(rel, title, part, dates, chapters, articles, warnings)
