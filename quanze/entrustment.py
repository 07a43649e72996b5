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
  (报/向/征求/会同/经…) or an attribute (…的承接条件);
* 甲或者其委托的乙 / 甲委托的乙 (向省…部门或者其委托的设区的市级…部门提出申请);
* 受甲委托，乙… / 接受甲的委托 (受市人民政府委托由市环境保护主管部门约谈…).

乙 is a government body: one of a named level (its level is recorded), or one the text names
without a level (其委托的部门, 委托有关部门, 其委托的质量监督机构: any level may be entrusted).
Not entrustment of a power: a body that has a laboratory, a hospital or an expert do work for it
(委托具备资格的医疗机构协助进行有关的诊断, 委托…检测机构); 委托 denied (未受…委托的高等学校,
不得委托); 授权 (the authorised body acts in its own name: a level assignment of its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quanze.level import LEVELS, Body, _clause_start, _sentence_start, bodies, full_width_stops


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
# What may stand between 委托 and the entrusted body.
_FILLER = re.compile(r"(?:给|予)?(?:有关的?|相关的?|所在地的?|当地的?|其他|下级|下一级|具备条件的|符合条件的)?")
# What may not stand between the filler and the entrusted body: another clause or another party
# (委托的其他驻外机构以及外交部委托的…: 外交部 is no delegate).
_GAP_BREAK = re.compile(r"[，。；、（(]|以及|和|或|及")
# An entrusted body named without a level: a government department or organ, or an agency of one.
_UNLEVELLED = re.compile(
    r"(?:给|予)?[^，。；、（(]{0,14}?(?:部门|机关|人民政府|办事处|(?:管理|监督|执法|监察|工作|派出|行政|主管)机构)"
)
# The end of a body's name: a level word alone (省级经济管理权限) names no body.
_BODY_NOUN = re.compile(r"(?:政府|部门|机关|机构|办事处|委员会|局|厅|署|站|所)$")
# Who is no government body, or does work for one, not its power: laboratories, hospitals,
# experts, firms, schools (teacher certification by 委托的高等学校 is no move between levels).
_NOT_A_POWER = re.compile(r"检测|检验|测试|鉴定|评估|评审|审评|医疗|认证|中介|第三方|专业|社会|企业|学校|律师|会计|代理|技术")
# A body before 委托 that is not the one entrusting: an addressee, a party consulted, a source.
_NOT_ENTRUSTING_BEFORE = re.compile(r"(?:报|向|征求|会同|经|对|依照|按照|根据)$")
# 甲或者其委托的乙: what stands between 甲 and 委托.
_OR_ITS = re.compile(r"(?:或者|或)?其?")
# 受甲委托，由乙… / 受甲委托的乙: what stands between 委托 and 乙.
_AFTER_RECEIVED = re.compile(r"的|，?由|，")


def _levels(text: str, b: Body) -> list[str]:
    """The levels a body phrase names: 县级以上地方人民政府 is every level from the province down."""
    if b.level is None:
        return []
    if "以上" not in text[b.start : b.end]:
        return [b.level]
    return list(LEVELS[1 : LEVELS.index(b.level) + 1]) or [b.level]


def _delegate(text: str, found: list[Body], pos: int) -> tuple[tuple[str, ...], int] | None:
    """The entrusted body that starts at ``pos`` (after the filler): the levels of its group from
    there on (委托设区的市、县(市)人民政府…部门: the city and the county), and its end; or None."""
    filler = _FILLER.match(text, pos)
    at = filler.end() if filler else pos
    first = next((b for b in found if pos <= b.start <= at + 6 and not _GAP_BREAK.search(text, at, b.start)), None)
    if first is not None:
        rest = [b for b in found if b.group == first.group and b.start >= first.start]
        end = rest[-1].end
        # …部门或者技术机构: a department's name may run on into an alternative that is none.
        if not _BODY_NOUN.search(text, 0, end) or _NOT_A_POWER.search(text[first.start : end].split("或")[0]):
            return None
        return tuple(sorted({lv for b in rest for lv in _levels(text, b)}, key=LEVELS.index)), end
    named = _UNLEVELLED.match(text, pos)
    if named and not _NOT_A_POWER.search(named.group()):
        return (), named.end()
    return None


def _entruster(text: str, found: list[Body], verb: int) -> Body | None:
    """The body that entrusts, for a verb 委托 at ``verb``."""
    sentence = _sentence_start(text, verb)
    before = [b for b in found if sentence <= b.start < verb]
    # 甲或者其委托的乙, 甲委托的乙: 甲 stands right before (or its name runs on into 委托的部门).
    for b in reversed(before):
        if b.end >= verb or _OR_ITS.fullmatch(text, b.end, verb):
            return b
    for b in reversed(before):
        if _NOT_ENTRUSTING_BEFORE.search(text, _clause_start(text, b.start), b.start) or text.startswith("的", b.end):
            continue
        return b
    return None


def find_entrustments(text: str, *, issuing_level: str = "national", title: str = "") -> list[Entrustment]:
    """The entrustments ``text`` (one 款 or 项) provides for, in order."""
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
        # 受甲委托(的乙) / 接受甲的委托: the body between 受 and 委托 entrusts; the entrusted one
        # follows at once (受市人民政府委托由市环境保护主管部门…), or is the subject, unnamed here.
        by = next((b for b in found if b.start < m.start() <= b.end + 1 and text.endswith("受", 0, b.start)
                   and text[min(b.end, m.start()) : m.start()] in ("", "的")), None)
        if by is not None:
            after = _AFTER_RECEIVED.match(text, m.end())
            delegate = _delegate(text, found, after.end() if after else m.end())
        else:
            by = _entruster(text, found, m.start())
            if by is None:
                continue
            delegate = _delegate(text, found, m.end() + (1 if text.startswith("的", m.end()) else 0))
        if by.level is None or delegate is None:
            continue
        levels, end = delegate
        e = Entrustment(by.level, levels, source[by.start : end], by.start)
        out.setdefault((e.level, e.delegate_levels, e.evidence), e)
    return sorted(out.values(), key=lambda e: e.start)
