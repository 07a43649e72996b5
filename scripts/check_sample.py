#!/usr/bin/env python3
"""Check the hand-made sample lists in data/samples/ against the legal corpus.

Usage (from the repository root):

    python scripts/check_sample.py                      # check both files, print every row
    python scripts/check_sample.py --quiet              # only problems and the summary
    python scripts/check_sample.py --laws /path/to/laws --list data/samples/x.csv --adjust ...

What it checks, for ``data/samples/shandong-provincial.csv``:

* the header row is exactly the one the loader expects; codes are unique and well formed,
  and the type abbreviation in the code (XK, CF, …) agrees with 事项类型;
* 事项类型, 行使层级 / 受理层级 / 审批层级, 安全类别 and 办理方式 use the controlled values;
  penalties, inspections and coercive measures are 依职权;
* every citation in 设定依据 / 实施依据 (``《标题》第X条第X款第X项、第Y条；《…》…``) names an
  instrument in ``manifest.csv`` whose current version has status 有效 (exact title, or the title
  with the 中华人民共和国 prefix; 〈〉 inside a title stand for 《》), and every cited article,
  paragraph and item exists in that file under the corpus numbering rules (those of
  ``quanze.provision``: paragraph 1 is the text on the 第X条 line, every further non-item line
  is the next paragraph, （一） lines are items of the paragraph before them);
* every code in 关联事项 exists in the list (and is not the row's own code).

and for ``data/samples/shandong-adjustments.csv``: header, codes exist in the list, controlled
values (调整方式, 承接层级), 委托 rows name 委托机关 and 承接单位, 赋权 rows go to a 功能区 body,
dates are real 2020 dates, and no devolution-type action touches an item with a 安全类别.

For every row it prints the item name next to the first 60 characters of each cited provision
so that the fit can be judged by eye; rows whose name shares no key word with the cited text
are marked ``??``. It ends with counts per department, type, security category and legal-level
situation. Exit status 1 if any problem was found.

Standard library only (Python 3.11); the provision parser is imported from ``quanze`` in the
repository this script lives in.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from quanze.numerals import NUMERAL_CHARS, to_chinese, to_int  # noqa: E402
from quanze.provision import ParsedText, read_text  # noqa: E402

LIST_HEADER = ["事项编码", "事项名称", "子项名称", "事项类型", "实施主体", "行使层级", "设定依据", "实施依据",
               "关联事项", "安全类别", "办理方式", "受理层级", "审批层级", "备注"]
ADJ_HEADER = ["事项编码", "调整方式", "承接层级", "承接单位", "委托机关", "完成时限", "依据文件", "备注"]

TYPE_ABBR = {
    "行政许可": "XK", "行政处罚": "CF", "行政强制": "QZ", "行政征收": "ZS", "行政给付": "JF",
    "行政检查": "JC", "行政确认": "QR", "行政奖励": "JL", "行政裁决": "CJ", "其他行政权力": "QT",
    "公共服务": "FW", "行政事业性收费": "SF",
}
LEVELS = ("省级", "市级", "县级")
SECURITY = ("国家安全", "公共安全", "生态安全", "意识形态安全")
HANDLING = ("依申请", "依职权")
EX_OFFICIO_TYPES = ("行政处罚", "行政检查", "行政强制")
ACTIONS = ("取消", "下放", "委托", "窗口前移", "审核转报", "赋权", "收回", "转变管理方式")
DEVOLVING = ("下放", "委托", "窗口前移", "审核转报", "赋权")
TAKE_LEVELS = ("市级", "县级", "功能区")
CODE_RE = re.compile(r"^37(?:\d{2})?[A-Z]{2,3}-([A-Z]{2})-\d{4}$")

N = rf"[{NUMERAL_CHARS}]+"
INSTRUMENT_RE = re.compile(r"^《([^《》]+)》(.*)$")
REF_RE = re.compile(rf"^(?:第({N})条(?:之({N}))?)?(?:第({N})款)?(?:第({N})项)?$")

# Heuristics for the legal-level situations, applied to the cited provision text.
PROVINCE_RE = re.compile(r"省、自治区、直辖市|省级|(?<![本全外跨该])省(?:人民政府)?[^，。；、：]{0,14}(?:部门|机构|机关|委员会)")
CITY_RE = re.compile(r"设区的市")
COUNTY_UP_RE = re.compile(r"县级以上")
STATE_COUNCIL_RE = re.compile(r"国务院[^，。；]{0,12}(?:部门|机构)")

# Words that say what kind of act an item is, not what it is about; ignored in the fit check.
GENERIC = {"审批", "许可", "核发", "登记", "备案", "认定", "设立", "管理", "行政", "处罚", "检查", "征收", "对未",
           "的处", "事项", "审核", "申请", "经营", "项目", "单位", "企业", "活动", "机构", "批准", "办理", "子项",
           "其他", "变更", "延续", "资格", "确认", "服务", "公布", "相关"}


class Corpus:
    """manifest.csv plus lazily parsed files."""

    def __init__(self, root: Path):
        self.root = root
        with open(root / "manifest.csv", encoding="utf-8", newline="") as fh:
            self.rows = list(csv.DictReader(fh))
        self.by_title: dict[str, list[dict]] = {}
        for r in self.rows:
            self.by_title.setdefault(r["title"], []).append(r)
        self._parsed: dict[str, ParsedText] = {}

    def resolve(self, title: str) -> tuple[dict | None, str | None]:
        """The current (有效) manifest row for a cited title, or an error message."""
        title = title.replace("〈", "《").replace("〉", "》")
        for t in (title, "中华人民共和国" + title):
            rows = self.by_title.get(t)
            if rows:
                current = [r for r in rows if r["status"] == "有效"]
                if current:
                    return current[0], None
                return None, f"《{title}》在 manifest 中没有有效版本（状态：{'/'.join(sorted({r['status'] for r in rows}))}）"
        return None, f"《{title}》不在 manifest.csv 中"

    def parsed(self, row: dict) -> ParsedText:
        p = row["path"]
        if p not in self._parsed:
            self._parsed[p] = read_text(self.root / p, p)
        return self._parsed[p]


def parse_citations(text: str) -> tuple[list[tuple[str, list[tuple[int, int | None, int | None, int | None, str]]]], list[str]]:
    """``《A》第一条第二款、第三条；《B》第四条`` → [(title, [(art, insert, par, pt, label), …]), …]."""
    out, errors = [], []
    for chunk in [c.strip() for c in text.split("；") if c.strip()]:
        m = INSTRUMENT_RE.match(chunk)
        if not m:
            errors.append(f"无法解析的依据：{chunk!r}")
            continue
        title, spec = m.group(1).strip(), m.group(2).strip()
        if not spec:
            errors.append(f"《{title}》没有条文")
            continue
        refs = []
        art = ins = par = None
        for part in spec.split("、"):
            r = REF_RE.match(part.strip())
            if not r or not any(r.groups()):
                errors.append(f"《{title}》中无法解析的条文：{part!r}")
                continue
            a, i, p, t = r.groups()
            if a:
                art, ins, par = to_int(a), (to_int(i) if i else None), None
            elif art is None:
                errors.append(f"《{title}》中 {part!r} 前面没有条")
                continue
            if p:
                par = to_int(p)
            elif a:
                par = None
            pt = to_int(t) if t else None
            if pt is not None and par is None:
                errors.append(f"《{title}》{part!r}：引用项时应写明款")
                continue
            art_label = f"第{to_chinese(art)}条" + (f"之{to_chinese(ins)}" if ins else "")
            refs.append((art, ins, par, pt, part.strip() if a else art_label + part.strip()))
        out.append((title, refs))
    return out, errors


def provision_text(pt: ParsedText, art: int, ins: int | None, par: int | None, item: int | None) -> tuple[str | None, str | None]:
    key = f"{art}" + (f"-{ins}" if ins else "")
    article = next((a for a in pt.articles if a.key == key), None)
    if article is None:
        return None, f"第{key}条不存在"
    if par is None:
        return article.text, None
    if par > len(article.paragraphs):
        return None, f"第{key}条只有{len(article.paragraphs)}款，没有第{par}款"
    paragraph = article.paragraphs[par - 1]
    if item is None:
        return paragraph.text + "".join(p.text for p in paragraph.points), None
    point = next((p for p in paragraph.points if p.number == item), None)
    if point is None:
        return None, f"第{key}条第{par}款没有第{item}项（共{len(paragraph.points)}项）"
    # the item itself first (that is what is shown), then the paragraph that introduces it (for the fit check)
    return f"{point.text}〔{paragraph.text}〕", None


def read_rows(fh) -> tuple[list[str], list[dict], list[int]]:
    """Header, rows as dicts, and the line numbers of rows whose length differs from the header."""
    reader = csv.reader(fh)
    header = next(reader)
    rows, bad = [], []
    for n, r in enumerate(reader, start=2):
        if len(r) != len(header):
            bad.append(n)
            r = (r + [""] * len(header))[: len(header)]
        rows.append(dict(zip(header, r, strict=True)))
    return header, rows, bad


def bigrams(s: str) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fff]", " ", s)
    return {s[i:i + 2] for i in range(len(s) - 1) if " " not in s[i:i + 2]} - GENERIC


def check_list(path: Path, corpus: Corpus, quiet: bool) -> tuple[list[str], list[dict], dict[str, dict]]:
    problems: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        header, rows, bad = read_rows(fh)
        problems.extend(f"{path.name}:{n}: 列数与表头不符" for n in bad)
        if header != LIST_HEADER:
            problems.append(f"{path.name}: 表头不符：{header}")
    codes = Counter(r["事项编码"] for r in rows)
    for c, n in codes.items():
        if n > 1:
            problems.append(f"{c}: 编码重复 {n} 次")
    info: dict[str, dict] = {}
    for i, r in enumerate(rows, start=2):
        code = r["事项编码"]
        where = f"{path.name}:{i} {code}"
        m = CODE_RE.match(code)
        if not m:
            problems.append(f"{where}: 编码格式不符")
        typ = r["事项类型"]
        if typ not in TYPE_ABBR:
            problems.append(f"{where}: 事项类型 {typ!r} 不在受控值中")
        elif m and m.group(1) != TYPE_ABBR[typ]:
            problems.append(f"{where}: 编码中的类型 {m.group(1)} 与事项类型 {typ} 不符")
        lv = r["行使层级"].split("、")
        if not r["行使层级"] or any(x not in LEVELS for x in lv) or len(set(lv)) != len(lv):
            problems.append(f"{where}: 行使层级 {r['行使层级']!r} 不合规")
        for col in ("受理层级", "审批层级"):
            if r[col] and r[col] not in LEVELS:
                problems.append(f"{where}: {col} {r[col]!r} 不合规")
        if r["安全类别"] and r["安全类别"] not in SECURITY:
            problems.append(f"{where}: 安全类别 {r['安全类别']!r} 不合规")
        if r["办理方式"] not in HANDLING:
            problems.append(f"{where}: 办理方式 {r['办理方式']!r} 不合规")
        elif typ in EX_OFFICIO_TYPES and r["办理方式"] != "依职权":
            problems.append(f"{where}: {typ} 应为依职权")
        if not r["事项名称"] or not r["实施主体"]:
            problems.append(f"{where}: 事项名称或实施主体为空")
        for rel in [x.strip() for x in r["关联事项"].split("；") if x.strip()]:
            if rel not in codes:
                problems.append(f"{where}: 关联事项 {rel} 不存在")
            elif rel == code:
                problems.append(f"{where}: 关联事项指向自身")

        texts: list[tuple[str, str]] = []
        levels_of_instruments: list[str] = []
        if not r["设定依据"].strip():
            problems.append(f"{where}: 设定依据为空")
        for col in ("设定依据", "实施依据"):
            if not r[col].strip():
                continue
            cites, errs = parse_citations(r[col])
            problems.extend(f"{where}: {col}: {e}" for e in errs)
            for title, refs in cites:
                row, err = corpus.resolve(title)
                if err:
                    problems.append(f"{where}: {col}: {err}")
                    continue
                levels_of_instruments.append(row["issuing_level"])
                try:
                    pt = corpus.parsed(row)
                except Exception as exc:  # noqa: BLE001 - report, keep going
                    problems.append(f"{where}: {col}: 《{title}》无法解析：{exc}")
                    continue
                for art, ins, par, item, label in refs:
                    text, err = provision_text(pt, art, ins, par, item)
                    if err:
                        problems.append(f"{where}: {col}: 《{title}》{label}：{err}")
                    else:
                        texts.append((f"《{title}》{label}", text))
        name = r["事项名称"] + (f"/{r['子项名称']}" if r["子项名称"] else "")
        joined = "\n".join(t for _, t in texts)
        fit = len(bigrams(name) & bigrams(joined))
        flags = {
            "a": any(PROVINCE_RE.search(t) for _, t in texts),
            "b": any(CITY_RE.search(t) for _, t in texts),
            "c": any(COUNTY_UP_RE.search(t) for _, t in texts),
            "d": "provincial" in levels_of_instruments,
            "e": bool(levels_of_instruments) and all(x == "municipal" for x in levels_of_instruments),
            "f": any(STATE_COUNCIL_RE.search(t) for _, t in texts),
            # two different cited provisions: one names the province, another says 县级以上
            "g": any(PROVINCE_RE.search(t1) and COUNTY_UP_RE.search(t2)
                     for i, (_, t1) in enumerate(texts) for j, (_, t2) in enumerate(texts) if i != j),
        }
        info[code] = {"row": r, "flags": flags, "fit": fit}
        if not quiet:
            mark = "  " if fit else "??"
            situ = "".join(k for k, v in flags.items() if v) or "-"
            print(f"{mark} {code} [{situ}] {name}")
            for label, text in texts:
                print(f"      {label}: {text.replace(chr(10), ' ')[:60]}")
    return problems, rows, info


def check_adjustments(path: Path, info: dict[str, dict]) -> tuple[list[str], list[dict]]:
    problems: list[str] = []
    with open(path, encoding="utf-8", newline="") as fh:
        header, rows, bad = read_rows(fh)
        problems.extend(f"{path.name}:{n}: 列数与表头不符" for n in bad)
        if header != ADJ_HEADER:
            problems.append(f"{path.name}: 表头不符：{header}")
    seen = Counter((r["事项编码"], r["调整方式"], r["承接单位"]) for r in rows)
    for k, n in seen.items():
        if n > 1:
            problems.append(f"{path.name}: 重复的调整 {k}")
    for i, r in enumerate(rows, start=2):
        code, act = r["事项编码"], r["调整方式"]
        where = f"{path.name}:{i} {code}"
        if code not in info:
            problems.append(f"{where}: 事项编码不在省级清单中")
            continue
        item = info[code]["row"]
        if act not in ACTIONS:
            problems.append(f"{where}: 调整方式 {act!r} 不合规")
        if r["承接层级"] and r["承接层级"] not in TAKE_LEVELS:
            problems.append(f"{where}: 承接层级 {r['承接层级']!r} 不合规")
        if act in DEVOLVING and not (r["承接层级"] and r["承接单位"]):
            problems.append(f"{where}: {act} 需写明承接层级和承接单位")
        if act == "委托" and not r["委托机关"]:
            problems.append(f"{where}: 委托需写明委托机关")
        if act != "委托" and r["委托机关"]:
            problems.append(f"{where}: 只有委托才写委托机关")
        if act == "赋权" and r["承接层级"] != "功能区":
            problems.append(f"{where}: 赋权的承接层级应为功能区")
        if act == "取消" and (r["承接层级"] or r["承接单位"]):
            problems.append(f"{where}: 取消不应有承接层级/承接单位")
        if act in DEVOLVING and item["安全类别"]:
            problems.append(f"{where}: 涉及{item['安全类别']}的事项不得{act}")
        try:
            d = dt.date.fromisoformat(r["完成时限"])
            if d.year != 2020:
                problems.append(f"{where}: 完成时限 {d} 不在 2020 年")
        except ValueError:
            problems.append(f"{where}: 完成时限 {r['完成时限']!r} 不是 YYYY-MM-DD")
        if not r["依据文件"].startswith("《"):
            problems.append(f"{where}: 依据文件应以《》书名号书写")
    return problems, rows


def summary(rows: list[dict], info: dict[str, dict], adj: list[dict]) -> None:
    def show(title: str, counter: Counter) -> None:
        print(f"\n{title}")
        for k, v in counter.most_common():
            print(f"  {k or '（空）'}: {v}")

    print(f"\n事项 {len(rows)} 行，实施主体 {len({r['实施主体'] for r in rows})} 个")
    show("按实施主体", Counter(r["实施主体"] for r in rows))
    show("按事项类型", Counter(r["事项类型"] for r in rows))
    show("按安全类别", Counter(r["安全类别"] for r in rows))
    show("按办理方式", Counter(r["办理方式"] for r in rows))
    names = {"a": "(a) 依据指向省级", "b": "(b) 依据指向设区的市", "c": "(c) 依据为县级以上",
             "d": "(d) 依据含山东省地方性法规", "e": "(e) 依据仅为设区的市地方性法规", "f": "(f) 依据指向国务院部门",
             "g": "(g) 一条指向省级、另一条为县级以上"}
    print("\n法律层级情形（按引文文本粗略判断）")
    for k, label in names.items():
        print(f"  {label}: {sum(1 for v in info.values() if v['flags'][k])}")
    print(f"  关联事项非空: {sum(1 for r in rows if r['关联事项'].strip())}")
    show("调整方式", Counter(r["调整方式"] for r in adj))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--laws", type=Path, default=Path("/work/shared/laws"))
    ap.add_argument("--list", type=Path, default=REPO / "data/samples/shandong-provincial.csv")
    ap.add_argument("--adjust", type=Path, default=REPO / "data/samples/shandong-adjustments.csv")
    ap.add_argument("--quiet", "-q", action="store_true", help="do not print the per-row fit lines")
    args = ap.parse_args(argv)

    corpus = Corpus(args.laws)
    problems, rows, info = check_list(args.list, corpus, args.quiet)
    adj: list[dict] = []
    if args.adjust.exists():
        p2, adj = check_adjustments(args.adjust, info)
        problems += p2
    else:
        problems.append(f"{args.adjust} 不存在")
    summary(rows, info, adj)
    if problems:
        print(f"\n发现 {len(problems)} 个问题：")
        for p in problems:
            print("  " + p)
        return 1
    print("\n全部检查通过。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
