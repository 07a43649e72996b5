"""Entrustment (委托): where a provision itself lets a body of one level have its power exercised
by another body, and which.

An administrative body may entrust (委托) another body with a power only where a law, a
regulation or a rule provides for it, and it keeps the legal responsibility for what the
entrusted body does (行政许可法第二十四条, 行政处罚法第二十条). The plan's 委托 path is open
only where the cited provision provides for it; so for devolution the questions are: does the
provision provide for entrustment, from which level, and to which.

The provision's words decide, in three forms:

* 甲可以委托乙… / 甲…依法委托乙…: 甲 entrusts 乙 (省人民政府可以依法委托有关设区的市人民政府
  行使…审批权). 甲 is the nearest body before 委托 in its sentence that is not an addressee
  (报/向/征求/会同/经…) or an attribute (…的承接条件), with the bodies joined to it: in
  市、县城乡规划主管部门或者其委托的乡（镇）人民政府 the city's and the county's departments each
  entrust;
* 甲或者其委托的乙 / 甲委托的乙 (向省…部门或者其委托的设区的市级…部门提出申请); 甲委托的其他事项
  (the entrusted body is the unit's subject, named elsewhere);
* 受甲委托由乙… / 受甲委托的乙 / 乙可以受甲的委托… / 乙根据甲的委托… (the subject, or nobody named
  in the unit: （六）根据国家教育委员会的委托，…).

乙 is a government body: one of a named level (its levels are recorded: 县级以上 is each from the
province down, 委托同级有关部门 the entrusting body's own), or one the text names without a level
(其委托的部门, 委托有关部门, 其委托的机构, 经济开发区管理委员会: any level may be entrusted).
Not entrustment of a power: a body that has a laboratory, a hospital, an expert or a firm do
work for it (委托具备资格的医疗机构协助进行有关的诊断, 委托…检测机构, 委托期货经营机构); a private
party's 委托; 委托 denied (未受…委托的高等学校, 不得委托); 授权 (the authorised body acts in its
own name: a level assignment of its own); a body that names no level (负责事故调查的人民政府,
登记机关) entrusts nothing this reader can place.

Measured against two blind readings of all 397 units of the corpus that contain 委托 and name a
body (tests/fixtures/entrustment_labels.md): the reader's first version found 71 entrustments,
every one of them in both readings, and missed 60 and 48 of theirs; the one here, written from
those readings, finds 113 of the first reading's 131 with one it does not have (P 0.991, R 0.863)
and 97 of the second's 119 (0.851 / 0.815; the second reads a bare 机构 as no government body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quanze.level import LEVELS, Assignment, Body, _clause_start, _sentence_start, bodies, full_width_stops


@dataclass(frozen=True)
class Entrustment:
    level: str  # the entrusting body's level (委托机关), one of quanze.level.LEVELS
    delegate_levels: tuple[str, ...]  # the levels the entrusted body may be at; () when the text names none
    evidence: str  # exact substring of the text, from the entrusting body to the entrusted one
    start: int


# 委托 as a verb, not the nouns and compounds it starts (委托书, 委托人, 委托代理, 委托范围…).
_VERB = re.compile(r"委托(?!书|人|合同|代理|方|协议|关系|事项|权限|期限|范围|费|单位)")
# Entrustment denied or conditioned away within the clause before the verb.
_DENIED = re.compile(r"(?:未受|未经|不受|不得|禁止|无权|非经|擅自)[^，。；]*$")
# A private party entrusts (由当事人或者当事人委托有关卫生行政部门…, 由申请者自主或者委托…): no power moves.
_PRIVATE = re.compile(r"(?:当事人|申请人|申请者|个人|单位|企业|经营者|所有人|权利人|投资人)[^，。；]{0,6}$")
# 受甲委托 / 接受甲的委托 / 根据甲的委托: 甲 stands between the opening word and 委托.
_RECEIVED = re.compile(r"(?:受|根据|按照|依照)$")
# 受甲委托 opening its clause: the entrusted body is the sentence's subject, or unnamed in the
# unit (（六）根据国家教育委员会的委托，对…进行检查).
_OPENS_CLAUSE = re.compile(r"(?:[（(][一二三四五六七八九十]+[）)])?(?:可以|应当|也可以)?(?:接受|受|根据|按照|依照)")
# 乙可以受甲的委托…: 乙 right before (省…部门可以受国务院…的委托，开展…).
_SUBJECT_RECEIVES = re.compile(r"(?:可以|应当|也可以)?(?:接受|受|根据|按照|依照)")
# What may stand between 委托 and the entrusted body.
_FILLER = re.compile(r"(?:给|予)?(?:有关的?|相关的?|所在地的?|当地的?|其他|下级|下一级|具备条件的|符合条件的)?")
# What may not stand between the filler and the entrusted body: another clause or another party
# (委托的其他驻外机构以及外交部委托的…: 外交部 is no delegate).
_GAP_BREAK = re.compile(r"[，。；、（(]|以及|和|或|及")
# An entrusted body named without a level: a government, a department, an organ, an office, an
# administrative committee (经济开发区管理委员会), an agency (…机构, …管理所).
_UNLEVELLED = re.compile(
    r"(?:给|予)?[^，。；、（(]{0,14}?(?:部门|机关|人民政府|办事处|管理委员会|管委会|机构|(?:管理|工作|监督)(?:所|站))"
)
# 甲委托的事项 / 工作: the matters are named, the entrusted body is not (the unit's subject).
_MATTERS = re.compile(r"(?:其他)?(?:事项|工作|行政执法)")
# The end of a body's name: a level word alone (省级经济管理权限) names no body.
_BODY_NOUN = re.compile(r"(?:政府|部门|机关|机构|办事处|委员会|局|厅|署|站|所)$")
# Who is no government body, or does work for one, not its power: laboratories, hospitals,
# experts, firms, schools (teacher certification by 委托的高等学校 is no move between levels).
_NOT_A_POWER = re.compile(
    r"检测|检验|监测|测试|鉴定|评估|评审|审评|医疗|诊疗|认证|中介|第三方|专业|社会|企业|学校|律师|会计|代理|技术|"
    r"培训|咨询|服务|金融|银行|保险|证券|期货|经营|托管|设计|科研|研究|出版|维修|保养|处理场"
)
# A body before 委托 that is not the one entrusting: an addressee, a party consulted, a source.
_NOT_ENTRUSTING_BEFORE = re.compile(r"(?:报|向|征求|会同|经|对|依照|按照|根据)$")
# 甲或者其委托的乙: what stands between 甲 and 委托 — the rest of 甲's name where the level word
# stood alone (国务院|对外贸易主管部门或者其委托的机构), an agency it sends (…派出的或者委托的).
_OR_ITS = re.compile(r"(?:[^，。；、]{0,12}?(?:部门|机关|机构|局|委员会))?(?:派出的(?:机构)?)?(?:或者|或)?其?")
# 受甲委托由乙… / 受甲委托的乙: what stands between 委托 and 乙.
_AFTER_RECEIVED = re.compile(r"的|，?由")
# 地方人民政府外事部门受外交部委托: a subject that names no level (any level may be entrusted).
_UNLEVELLED_SUBJECT = re.compile(r"[^，。；]{0,20}?(?:部门|机关|人民政府|办事处|管理委员会|机构)(?:可以|应当|也可以)?(?:接受|受|根据)")
# 委托同级有关部门: the entrusting body's own level, for each entrusting body.
_SAME_LEVEL = re.compile(r"(?:有关|相关)?(?:同级|本级)")


def _levels(text: str, b: Body) -> list[str]:
    """The levels a body phrase names: 县级以上地方人民政府 is every level from the province down."""
    if b.level is None:
        return []
    if "以上" not in text[b.start : b.end]:
        return [b.level]
    return list(LEVELS[1 : LEVELS.index(b.level) + 1]) or [b.level]


def _delegate(text: str, found: list[Body], pos: int) -> tuple[tuple[str, ...] | None, int] | None:
    """The entrusted body that starts at ``pos`` (after the filler): the levels of its group from
    there on (委托设区的市、县(市)人民政府…部门: the city and the county) — None for 同级, whose
    level is each entrusting body's own — and its end; or None when no government body starts there."""
    filler = _FILLER.match(text, pos)
    at = filler.end() if filler else pos
    first = next((b for b in found if pos <= b.start <= at + 6 and not _GAP_BREAK.search(text, at, b.start)), None)
    if first is not None:
        rest = [b for b in found if b.group == first.group and b.start >= first.start]
        end = rest[-1].end
        # …部门或者技术机构: a department's name may run on into an alternative that is none.
        if not _BODY_NOUN.search(text, 0, end) or _NOT_A_POWER.search(text[first.start : end].split("或")[0]):
            return None
        if _SAME_LEVEL.match(text, first.start):
            return None, end
        return tuple(sorted({lv for b in rest for lv in _levels(text, b)}, key=LEVELS.index)), end
    named = _UNLEVELLED.match(text, pos)
    if named and not _NOT_A_POWER.search(named.group()):
        return (), named.end()
    return None


def _entrusters(text: str, found: list[Body], verb: int) -> list[Body]:
    """The bodies that entrust, for a verb 委托 at ``verb``: the nearest body before it in its
    sentence that is no addressee, with the bodies joined to it (市、县城乡规划主管部门或者其委托的…:
    the city's and the county's departments each)."""
    sentence = _sentence_start(text, verb)
    before = [b for b in found if sentence <= b.start < verb]
    by = None
    # 甲或者其委托的乙, 甲委托的乙: 甲 stands right before (or its name runs on into 委托的部门).
    for b in reversed(before):
        if b.end >= verb or _OR_ITS.fullmatch(text, b.end, verb):
            by = b
            break
    else:
        for b in reversed(before):
            if not (_NOT_ENTRUSTING_BEFORE.search(text, _clause_start(text, b.start), b.start) or text.startswith("的", b.end)):
                by = b
                break
    return [b for b in before if b.group == by.group and b.start <= by.start] if by else []


def _subject(text: str, found: list[Body], pos: int) -> Body | None:
    """The body that opens the clause of ``pos`` or the sentence (…部门可以受国务院…的委托，开展…)."""
    sentence = _sentence_start(text, pos)
    return next((b for b in found if sentence <= b.start < pos and not _NOT_ENTRUSTING_BEFORE.search(
        text, _clause_start(text, b.start), b.start) and not text.startswith("的", b.end)), None)


def _received_from(text: str, found: list[Body], verb: int) -> Body | None:
    """受甲委托 / 接受甲的委托 / 根据甲的委托: 甲, the body between the opening word and 委托."""
    return next((b for b in found if b.start < verb <= b.end + 1 and _RECEIVED.search(text, 0, b.start)
                 and text[min(b.end, verb) : verb] in ("", "的")), None)


def _received_by(text: str, found: list[Body], by: Body, verb_end: int) -> tuple[tuple[str, ...] | None, int, int] | None:
    """For 受甲委托: the entrusted body's levels and where the evidence starts and ends. The
    entrusted body follows at once (受市人民政府委托由市环境保护主管部门…, 受…委托的部门); or it is
    the subject: of the sentence, when the phrase opens its clause (…统一监督管理，受市政府委托…),
    or right before it (省…部门可以受国务院…的委托); or the subject names no level (地方人民政府外事部门
    受外交部委托: any level); or the unit names none ((六)根据国家教育委员会的委托: any)."""
    after = _AFTER_RECEIVED.match(text, verb_end)
    named = _delegate(text, found, after.end() if after else verb_end)
    if named is not None:
        return named[0], by.start, named[1]
    clause = _clause_start(text, by.start)
    if _OPENS_CLAUSE.fullmatch(text, clause, by.start):
        subject = _subject(text, found, by.start)
        return (tuple(_levels(text, subject)), subject.start, verb_end) if subject else ((), by.start, verb_end)
    subject = next((b for b in found if _SUBJECT_RECEIVES.fullmatch(text, b.end, by.start)), None)
    if subject is not None:
        return tuple(_levels(text, subject)), subject.start, verb_end
    if _UNLEVELLED_SUBJECT.fullmatch(text, clause, by.start) and not _NOT_A_POWER.search(text, clause, by.start):
        return (), clause, verb_end
    return None


def entrusting_level(assignment: Assignment, entrustments: list[Entrustment]) -> str | None:
    """The level of the body that holds the power an assignment gives, when the assignment's body is
    named only as the one it may entrust (甲或者其委托的乙…批准: the assignment starts at 乙, inside the
    entrustment's words, and 乙's level is one it may entrust to); else None. Read at 甲's level by the
    devolution analysis: 乙 may receive the power by 委托, not by 下放 (旅行社条例第七条, a legal review)."""
    for e in entrustments:
        if (e.start <= assignment.start < e.start + len(e.evidence) and assignment.level in e.delegate_levels
                and LEVELS.index(e.level) < LEVELS.index(assignment.level)):
            return e.level
    return None


def find_entrustments(text: str, *, issuing_level: str = "national", title: str = "") -> list[Entrustment]:
    """The entrustments ``text`` (one 款 or 项) provides for, in order: one for each entrusting body."""
    if "委托" not in text:
        return []
    found = bodies(text, issuing_level=issuing_level, title=title)
    if not found:
        return []
    source, text = text, full_width_stops(text)  # evidence is quoted from the text as written
    out: dict[tuple[str, tuple[str, ...], str], Entrustment] = {}
    for m in _VERB.finditer(text):
        clause = _clause_start(text, m.start())
        if _DENIED.search(text, clause, m.start()) or _PRIVATE.search(text, clause, m.start()):
            continue
        by = _received_from(text, found, m.start())
        if by is not None:
            received = _received_by(text, found, by, m.end())
            if received is None:
                continue
            levels, first, end = received
            entrusters: list[Body] = [by]
        else:
            entrusters = _entrusters(text, found, m.start())
            at = m.end() + (1 if text.startswith("的", m.end()) else 0)
            delegate = _delegate(text, found, at)
            if delegate is None and text.startswith("的", m.end()) and _MATTERS.match(text, at):
                delegate = (), at  # 甲委托的其他事项: the unit's subject, named elsewhere
            if delegate is None:
                continue
            (levels, end), first = delegate, m.start()
        for by in entrusters:
            if by.level is None:
                continue
            begin = min(first, by.start)
            e = Entrustment(by.level, (by.level,) if levels is None else levels, source[begin : max(end, m.end())], begin)
            out.setdefault((e.level, e.delegate_levels, e.evidence), e)
    return sorted(out.values(), key=lambda e: (e.start, LEVELS.index(e.level)))
