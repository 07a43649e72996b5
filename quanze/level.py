"""Level extractor: which administrative level(s) a paragraph (款) or item (项) empowers.

This module implements ``docs/level-rules.md``. For one unit of text it finds every phrase
in which a government body of a named level is given the power or the duty to approve,
license, register, decide or implement an administrative act, and returns the level with
the exact evidence: the body phrase up to and including the act verb
(``省、自治区、直辖市人民政府药品监督管理部门批准``).

How a unit is read (each step is a section of this file, each rule a commented pattern):

1. **Bodies (§1).** Find every *level word*: 国务院, 国务院…部门, 国家…局, named ministries
   (national); 省、自治区、直辖市, 省级, 省人民政府, 省…厅 (provincial); 设区的市, 自治州,
   and 市 in Shandong's own texts (municipal); 县级以上, 县（市、区）, 区（市） (county);
   乡（镇）, 街道办事处 (township). The government and department that follow
   (人民政府卫生行政主管部门) belong to the body phrase. Level words joined by 、/和/或者
   (市、县（市、区）人民政府; 国务院…部门或者省…部门) form one *group* holding one power.
2. **Not an actor (§2).** A group is set aside when it is the violator (…部门未履行…的),
   a person (…人民政府的主要负责人), a people's congress or a court (省人民代表大会常务委员会).
   Military bodies (中央军事委员会, 总后勤部卫生部, 省军区) are no administrative level and
   are not bodies at all: matched only so that their departments are not read as ministries.
3. **What precedes (§3).** The nearest governing word before the group: 由/经/报/征得
   introduce the actor; 依照/按照/根据 make the body the source of a rule (依照国务院…的规定:
   no assignment); 对/通报/抄送/会同… make it an object (no assignment); 向 makes it the
   receiver of an application (向…申请: the deciding body) or of a filing (向…备案: not).
4. **What follows (§4).** The first *cue* after the group, within its sentence, decides: an
   act verb of the rulebook (批准, 许可, 登记, 处罚, 责令, 检查, 负责…管理, and since the
   first blind measurement 指定, 划定, 评价/考核/考试 of third parties, 给予…号, 组织…复垦;
   since the second 负责…工作 in a sector, 受理 an application, 确定 a party or a site,
   调查 an incident, 监督/接受…的监督 of outside parties, 负责…指挥, an issued licence named
   as an attribute, 由…对其进行 + a noun act) makes an assignment; a role verb (制定, 规定,
   备案, 报告, 复议, 指导, 监督 of bodies, 规划, 鼓励, 支持, 领导 …) does not. In
   由甲审核后报乙批准 甲 only forwards; 乙 approves — also when 甲's inquiry ends in a
   proposal (核查…提出补偿方案) whose approver lies beyond the unit.
5. **Level (§6).** A group gets the **lowest** of its levels — the rulebook's level below
   which the power cannot go: 市、县（市、区）人民政府批准 is county; 国务院…部门或者省…部门
   批准 is provincial; 县级以上 is county, 省级以上 provincial, 设区的市级以上 municipal.

The unit's answer is the set of levels of its assignments. Every rule has a table test on a
real phrase of the corpus in ``tests/test_level_rules.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("national", "provincial", "municipal", "county", "township")  # highest first
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级", "township": "乡镇级"}
LEVEL_EN = {"national": "national", "provincial": "provincial", "municipal": "city", "county": "county", "township": "township"}
RANK = {lv: i for i, lv in enumerate(LEVELS)}
_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}

#: A level as a list's cell writes it → its slug: an item list's 行使层级, 受理层级 and 审批层级,
#: an adjustment list's 承接层级 (quanze.lists). The 级 forms and the short names of local
#: government (省, 市, 县, 乡镇), grouped by level, highest first (docs/vocabulary.md lists them so).
LIST_LEVEL_WORDS: dict[str, str] = {
    "国家级": "national", "省级": "provincial", "省": "provincial", "市级": "municipal", "市": "municipal",
    "设区的市级": "municipal", "县级": "county", "县": "county", "乡镇级": "township", "乡级": "township",
    "乡镇": "township",
}
#: A review list's 层级 (quanze.review): the list words, and 国家. A review reads a legal text, and
#: laws name the national level 国家 (国家…主管部门, 国家规定), so a reviewer copying the text's
#: word means the national level. An item list's 行使层级 says where a Shandong list's item is
#: exercised, written in the list forms; a bare 国家 there is not one of them and is refused.
REVIEW_LEVEL_WORDS: dict[str, str] = dict(sorted({**LIST_LEVEL_WORDS, "国家": "national"}.items(),
                                                 key=lambda word: RANK[word[1]]))
#: What separates several levels (or codes) in one cell: 、 as the lists write them, and the
#: other punctuation people type.
LIST_SEPARATOR = re.compile(r"[；;、,，]\s*")


@dataclass(frozen=True)
class Assignment:
    level: str  # one of LEVELS
    evidence: str  # exact substring of the text: the body phrase plus its act
    act: str  # the act verb found, e.g. "批准", "许可", "登记", "负责", "处罚"
    start: int  # offset of evidence in text


# ======================================================================================
# §0 Pre-filter. A unit that names no body at all cannot assign a level; most units of the
#    corpus (contracts, crimes, items listing conditions) are dropped by one cheap search.
# ======================================================================================
# The agencies named by their own name end in none of the body words (中国人民银行, 证监会, 国家计委):
# without them here 经中国人民银行批准 was never read.
_PREFILTER = re.compile(r"政府|部门|国务院|机关|机构|局|厅|委员会|办事处|办公室|部|署|中央|人民银行|监会|计委|经贸委|证券委")

# ======================================================================================
# §1 Bodies: level words, the department that follows them, and groups.
# ======================================================================================
# Prefecture-level cities of Shandong (a named city government is municipal) and its
# county-level cities (a named one is county). 莱芜 joined 济南 in 2019 but occurs in older texts.
_PREFECTURE_CITIES = "济南|青岛|淄博|枣庄|东营|烟台|潍坊|济宁|泰安|威海|日照|临沂|德州|聊城|滨州|菏泽|莱芜"
_COUNTY_CITIES = (
    "青州|寿光|诸城|高密|昌邑|安丘|龙口|莱阳|莱州|招远|栖霞|海阳|蓬莱|荣成|乳山|新泰|肥城|"
    "曲阜|邹城|滕州|胶州|平度|莱西|即墨|胶南|乐陵|禹城|临清|邹平|章丘|文登|兖州"
)
# Central agencies named without 国务院/国家 (ministries, banks, the army's general
# departments). 国家安全部 and the 国家…局 agencies are matched by the 国家 pattern below.
_MINISTRIES = (
    "外交部|国防部|公安部|民政部|司法部|财政部|商务部|教育部|科学技术部|工业和信息化部|"
    "人力资源和社会保障部|人力资源社会保障部|劳动和社会保障部|劳动部|人事部|自然资源部|国土资源部|"
    "生态环境部|环境保护部|住房和城乡建设部|住房城乡建设部|建设部|交通运输部|交通部|铁道部|水利部|"
    "农业农村部|农业部|林业部|文化和旅游部|文化部|卫生部|应急管理部|退役军人事务部|监察部|信息产业部|"
    "邮电部|地质矿产部|对外贸易经济合作部|对外经济贸易部|广播电影电视部|审计署|海关总署|"
    "中国人民银行|中国民用航空局|中国民用航空总局|(?<!地区)(?<!简称)民航局|中国气象局|中国地震局|中国证券监督管理委员会|"
    "中国银行业监督管理委员会|中国保险监督管理委员会|中国银行保险监督管理委员会|"
    # …and their short names in older texts (证监会复审同意; 报国家计委批准).
    "(?<![（(])证监会|证券委|银监会|保监会|银保监会|国家计委|国家经贸委"
)
# Military bodies are not administrative levels (rulebook): the Central Military Commission,
# the army's general departments, military regions and services, the armed police. They are
# matched (with their departments: 总后勤部卫生部, 军区联勤部卫生部) only to be set aside, so
# that the ministry inside their name (卫生部) is not read as a national body.
_MILITARY = (
    "中央军事委员会|中央军委|总参谋部|总政治部|总后勤部|总装备部|有关总部|省军区|大军区|军分区|军区|"
    "卫戍区|警备区|军兵种|战区|(?:县|市|区)?人民武装部|中国人民武装警察部队|人民武装警察部队|武装警察部队|武警部队"
)

# A department name after a government (卫生行政主管部门, 公安机关交通管理部门, 发展改革、
# 财政…等部门) never contains a verb or a preposition: these words end the name, what
# follows them is the predicate.
_NOT_IN_NAME = (
    r"应当|应(?!急)|可以|须|负责|会同|批准|责令|提请|提交|报|由|经(?!济|营|贸|信|费)|向|对|依照|按照|根据|依据|"
    r"规定|制定|组织|的|指定|确定|委托|授权|设立|在|将|予以|给予|实施|作出|同意|备案|处罚|处以|没收|"
    r"吊销|并|从|为|是|未|鼓励|支持|实行|建立|推行|扶持|加强|工作人员|负责人|关于"
)
_NAME_CHAR = rf"(?:(?!{_NOT_IN_NAME})[^\s，。；：:,;“”\"（）()《》]|[（(][^）)，。；]{{1,10}}[）)])"
_DEPT_SUFFIX = r"(?:主管部门|行政部门|管理部门|部门|管理机构|机构|机关|厅|局|委员会|办公室|总署|署)"
# Up to two names in a row (公安机关 + 交通管理部门); a long list ends in 等部门.
_DEPT = rf"(?:{_NAME_CHAR}{{0,64}}?{_DEPT_SUFFIX}){{1,2}}"
_GOV = r"(?:地方)?(?:各级)?(?:人民)?政府"
_NAME_AHEAD = rf"{_NAME_CHAR}{{0,14}}?{_DEPT_SUFFIX}"
# A bare 省 names a body only when a government or a department follows (not 省略, 节省).
_BODY_FOLLOWS = rf"(?={_GOV}|[、和及与]|或者?|{_NAME_AHEAD})"
# 省、自治区、直辖市, 县级以上, 设区的市… name a body only when a government or a department
# follows; otherwise they name an area (跨省、自治区、直辖市运行的列车; 县级以上行政区域).
# A department named by its duty follows too (设区的市级、县级负责药品监督管理的部门).
_IS_BODY = rf"(?=(?:以上)?的?(?:{_GOV}|{_NAME_AHEAD}|[、和及与（(]|或者?|(?:负责|主管|承担)[^，。；]{{0,24}}?的{_NAME_AHEAD}))"

# Speed: every level word begins with one of these characters (the literal starts of the
# alternatives below and of the name lists), or is a named county (平阴县人民政府). Checking
# this first lets the search skip most positions of a text at once, about four times faster.
# A new alternative must add its first character here.
_STARTS = "国党中省北天上重自直两设地计市县区街乡镇本同人" + "".join(
    sorted(
        {re.sub(r"^(?:\(\?<!(?:\[[^\]]*\]|[^)\[])*\))+", "", name)[0]
         for names in (_MINISTRIES, _PREFECTURE_CITIES, _COUNTY_CITIES, _MILITARY) for name in names.split("|")}
    )
)
_LEVEL_START = rf"(?=[{_STARTS}]|[\u4e00-\u9fff]{{1,3}}县人民政府)"

# One alternative per level word; the named group is the level. Longer forms come first
# (设区的市 before 市, 县级以上 before 县).
_LEVEL_WORD = re.compile(
    _LEVEL_START
    + "(?:"
    + "|".join(
        [
            # MILITARY (set aside in _find_groups; first, so that 中央军事委员会 is not national).
            rf"(?P<military>{_MILITARY})",
            # NATIONAL: the State Council, the central government (中央人民政府, and 中华人民共和国政府
            # in older texts: 报请中华人民共和国政府的主管委、部、局批准), the central departments
            # (中央有关部门…采取管控处置措施), ministries; 国家药品监督管理局,
            # 国家海洋行政主管部门, 国家有关主管部门 — but not 国家机关, 国家安全机关, 国家行政机关
            # (organs of every level) nor 国家规定/国家标准.
            r"(?P<national>国务院|党中央|中央人民政府|中华人民共和国政府|中央国家安全领导机构|中央(?:有关|国家)?(?:部门|机关)"
            rf"|(?:{_MINISTRIES})(?![门分队位])"
            # …and a ministry under the state's name in older texts (中华人民共和国工商行政管理总局,
            # 报请中华人民共和国对外贸易部批准).
            r"|中华人民共和国(?!驻)[^\s，。；：、和及与或《》（）()“”]{2,10}?(?:总局|总署|部(?![分队位门]))"
            # …and the national harbour superintendency of the shipping texts (中华人民共和国港务监督
            # 机构是船舶登记主管机关), set against the ports' own 港务监督.
            r"|中华人民共和国港务监督(?:局|机构)?"
            # 所在国家或者地区金融监管当局: a foreign country's authority, not the state.
            r"|(?<!所在)(?<!外国)(?<!其他)国家(?!机关|安全(?!部)|行政机关|权力机关|机构|行政机构|情报|农业技术推广|法定|渔业船舶检验|监察|国防动员|国防交通|或地方|或者?地区|级|和|、"
            rf"|工作人员)(?:{_NAME_CHAR}{{0,12}}?)(?:总局|局|委员会|总署|部门|机构|主管机关|部(?![分队位门])|搜寻援救组织)"
            r")",
            # PROVINCIAL: 省、自治区、直辖市; 省、自治区; 省级(以上); 自治区/直辖市人民政府;
            # the four municipalities under the central government (上海市人民政府); 两省一市
            # (江苏、浙江、上海 in the 太湖 regulation); a bare 省 before a government or a
            # department (省人民政府, 省林业行政主管部门 in Shandong texts).
            r"(?P<provincial>(?<!跨)(?:省、自治区、直辖市|省、自治区(?!、直辖市)|省级以上|省级)" + _IS_BODY
            + r"|(?:北京|天津|上海|重庆)市(?=人民政府|政府)|自治区(?=人民政府)|直辖市(?=人民政府)"
            # 两省一市 as a body, not the places (两省一市相关行政区域, 两省一市行政区域边界水域).
            rf"|两省一市(?={_GOV}|可以|应当)"
            rf"|(?<![本全外各跨该邻节反我两一])省{_BODY_FOLLOWS})",
            # MUNICIPAL: 设区的市(级)(以上); 自治州; 地级市; 计划单列市; 市级(以上); a named
            # prefecture city; a bare 市 before a government or a department (市人民政府,
            # 市城市管理局) — not 市场, 市容, 市政, 市民, nor 城市, 直辖市, 县级市.
            r"(?P<municipal>(?:设区的市级以上|设区的市级|设区的市|自治州|地级市|计划单列市|市级以上|市级)"
            + _IS_BODY
            + rf"|(?:{_PREFECTURE_CITIES})市(?={_GOV}|{_NAME_AHEAD})"
            rf"|(?<![城都辖级本超夜早集股上门街全各该])市(?![场容民区辖属内外长委]|政(?!府)|[（(]县[）)])"
            rf"(?=[、和及与]|或者?|{_GOV}|{_NAME_AHEAD}))",
            # COUNTY: 县级以上, 县以上, 县级(市), 市辖区, 自治县; a named county or county-level
            # city; 县, 县（市、区）; 区 as a district government (区人民政府, 区（市）, 区县, or
            # right after a delimiter: 市、区城市管理局) — not 禁采区、, 开发区, 自治区.
            r"(?P<county>(?:县级以上|县以上|县级市|县级|市辖区|自治县)" + _IS_BODY
            + rf"|(?:{_COUNTY_CITIES})市(?={_GOV}|{_NAME_AHEAD})"
            r"|[\u4e00-\u9fff]{1,3}县(?=人民政府)"
            # 市（县）住房城乡建设主管部门: the city's or the county's, so the county at the lowest.
            rf"|市[（(]县[）)](?={_GOV}|{_NAME_AHEAD})"
            rf"|县(?:[（(][^）)]{{1,8}}[）)])?(?:区)?(?=人民政府|政府|[、和及与（(]|或者?|{_NAME_AHEAD})"
            r"|(?<!自治|行政|开发)(?<!特)区(?=人民政府)"
            r"|(?<![自治行政开发保护风景景林矿社园小辖城特])区(?:[（(][^）)]{1,8}[）)]|县)(?:以上)?"
            r"(?=人民政府|政府|[、和及与]|或者?|" + _NAME_AHEAD + ")"
            r"|(?:^|(?<=[、，。；：由经报向和及或对的各关在]))区(?=人民政府|政府|、县|" + _NAME_AHEAD + "))",
            # TOWNSHIP: 乡（镇）, 乡镇, 乡、民族乡、镇, 镇（乡）, 镇 before a government; 街道办事处.
            r"(?P<township>街道办事处|乡、民族乡、镇|(?<!城)乡(?!、镇(?:已有|没有|既有|无))(?:[（(]镇[）)]|镇|、镇|级)?(?=人民政府|政府|[、和及与（(])"
            r"|镇(?:[（(]乡[）)]|、乡)?(?=人民政府|政府))",
            # 本级/同级人民政府 (…部门) takes the level of the body named before it.
            rf"(?P<same>本级|同级)(?={_GOV}|{_NAME_AHEAD})",
        ]
    )
    + ")"
)

# The rest of the body phrase after a level word: 人民政府, a department, and a department
# the government designates or that bears a duty, which is of the same level
# (直辖市人民政府确定的交通运输主管部门, 国务院指定的部门, 负有…监督管理职责的部门).
# A designated testing, certifying or medical institution is an outside party, not a department:
# designating it is the body's own act (国务院农业行政主管部门指定的试验机构, rulebook: 指定).
_OUTSIDE_PARTY = r"(?![^，。；]{0,12}?(?:试验|检验|检测|鉴定|认证|医疗|保健|培训|科研|研究|实验|银行|金融|防疫|技术|服务|媒体))"
_BODY_TAIL = re.compile(
    rf"(?:以上)?(?:{_GOV})?(?:{_DEPT})?"
    rf"(?:(?:(?:确定|指定|授权|委托|设立)的{_OUTSIDE_PARTY}|(?:负责|主管|承担)[^，。；]{{0,24}}?的|负有[^，。；]{{0,24}}?职责的)"
    rf"{_DEPT})?"
    rf"(?:(?:及其|或者其|或其|和其)(?:{_DEPT}))?"
)
# The departments of a military body (总后勤部卫生部, 军区联勤部卫生部, 后勤(联勤)机关卫生部门);
# 和/或/、 start the next body (…机关卫生部门和国务院药品监督管理部门批准).
_MILITARY_TAIL = re.compile(rf"(?:(?:(?![和及与或、]){_NAME_CHAR}){{0,12}}?(?:部门|机关|机构|委员会|部))*")
# Two level words joined by these hold the power together or as alternatives, and form one
# group: 市、县（市、区）人民政府; 国务院…部门或者省…部门; 国务院…部门或者其委托的省…部门.
# A province's name before its 省 joins too (会同国务院有关部门和山东省人民政府).
_PROVINCES = (
    "河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|"
    "甘肃|青海|台湾"
)
_JOIN = re.compile(rf"(?:、|和|及|以及|与|或者|或)?(?:当地|有关|相关|所在地的?)?(?:其?(?:委托|授权)的)?(?:{_PROVINCES})?")

# ======================================================================================
# §2 Not an actor.
# ======================================================================================
# The violator of a duty: 国务院铁路主管部门…未立即启动应急预案; …有下列行为之一的.
_BREACH = r"未|不按照|不依照|不依法|不履行|违反|滥用|玩忽|徇私|有下列|拒不|擅自|超越"
_VIOLATOR_AFTER = re.compile(
    r"(?:及其|的)?(?:工作人员|有关人员)?"
    r"(?:[^，。；]{0,14}?(?:以及|和)其他[^，。；]{0,8}?)?"
    rf"(?:{_BREACH})"
)
# A person of the body (…人民政府的主要负责人), another body (乡（镇）人民政府的上级人民政府), or
# one of several applicants (…县级人民政府民政部门等有关人员或者单位的申请). A preposition
# still makes the person the approver: 经设区的市级以上国家安全机关负责人批准.
_PERSON_AFTER = re.compile(
    r"(?:及其|的)?(?:工作人员|有关人员|主要负责人|负责人|领导人员)"
    # …or its head named by office (国务院秘书长…负责处理国务院的日常工作), unless it approves.
    r"|(?:秘书长|总理|副总理|署长|部长|局长|厅长)(?!批准)"
    r"|的(?:上级|上一级)"
    r"|等(?:有关)?(?:人员|单位|组织)"
)
# A people's congress, a court or a procuratorate of that level is not a government (省、自治区的
# 人民代表大会常务委员会批准; 市人民代表大会专门委员会); nor, since the 2018 监察法, a supervisory
# organ (经省级以上监察机关批准; before it, 县级以上人民政府监察机关 was a government department
# and still reads as one); nor a government's legal affairs office reviewing drafts (送国务院
# 法制机构进行审查: law-making, not a power over the public). 本级 after it still refers to its level.
# Level words that grade a protected thing name no body: 在省级、市、县级文物保护单位中.
_GRADE_AFTER = re.compile(r"[、和及与或者省市县区乡镇级（）()]{0,12}(?:文物保护单位|自然保护区|风景名胜区)")
# A body whose own setting up, internal offices or boundaries are the topic is what is decided,
# not who decides (乡、民族乡、镇的设立、撤销…由省…审批; …行政机构的内设机构的设立…; fourth audit).
_ORGAN_AFTER = re.compile(r"的(?:内设机构|设立|撤销|合并|更名|驻地|行政区域界线|机构编制)")
# A body followed by 关于 names a document it issued (依照…公安部关于公安机关办理刑事案件程序的规定), a
# title left without 《》: a source of rules, like the titles inside 《》.
_DOCUMENT_AFTER = re.compile(r"(?:、[^，。；、]{1,12}?)*关于")
_NOT_GOVERNMENT_AFTER = re.compile(
    r"(?:、[^，。；、]{1,6}?)*(?:以上)?的?(?:地方)?(?:各级)?(?:第[一二三四五六七八九十]{1,4}届)?(?:人民代表大会|人大|人民法院|人民检察院|中级人民法院|监察机关|监察委员会|"
    r"(?:人民政府)?法制(?:工作)?机构|"
    # Defence mobilisation organs work under the State Council and the Central Military
    # Commission in a hierarchy that includes the military regions' (fifth sample): like the
    # people's armed forces departments, they are no administrative level.
    r"(?:人民政府)?(?:国防动员|国民经济动员|国防交通)|"
    # …nor, read by the eleventh sample's labellers, the 兵役机关 (the people's armed forces
    # departments that run conscription).
    r"(?:人民政府)?兵役机关)"
)

# ======================================================================================
# §3 What precedes a group: the nearest governing word in its clause.
# ======================================================================================
# 商同级…部门同意 consults (not 供应商, 厂商, 商务, 商品, 商请).
_CONSULT = r"(?<![会协应销包厂发客])商(?![务品业标会户铺场请])"
_MARKER = re.compile(
    # SOURCE of a rule (依照国务院…的规定, 按照省人民政府规定, 结合本级政府提出的…): never an assignment.
    r"(?P<source>依照|按照|根据|依据|参照|遵照|遵守|执行|符合|违反|适用|结合)"
    # RECEIVER: 向…申请 makes it the deciding body, 向…备案/报告/投诉 does not (decided in §4);
    # 到…办理 (go to the body to have it done: 到市…部门办理占用道路手续) is read like 向 (see _GOES_TO).
    r"|(?P<to>向|(?<![达收接受得遇报提做直转])到(?!期|达|位|场|岗|底|时|了|过|来|会|任))"
    # OBJECT of another body's act: 对县级人民政府…进行考核, 通报…, 抄送…, 会同…, 组织有关部门
    # 和乡（镇）人民政府…进行登记 (the organiser is the one charged), 将…, 设立…的人民政府.
    rf"|(?P<object>对(?!外)|针对|设在|{_CONSULT}|拒绝|阻碍|阻挠|妨碍|通报|告知|抄送|约谈|督促|指导|监督|协助|配合|帮助|支持|要求|责成|责令|通知|"
    r"请示|报告|报送|上报(?![^，。；]{0,24}?(?:批准|审批|核准))|提交|送交|移送|移交|函告|转告|考核|赋予|授予|奖励|表彰|商请|征求|听取|会同|受(?!托|水区|益)|将|"
    r"设立|组织|(?:分解|落实|下达|分配)到)"
    # ACTOR: 由…, 经…批准, 报…批准, 报请, 征得…同意, 委托…实施.
    # OVERSEER: 接受…的监督, 服从…的统一指挥 (see _OVERSIGHT).
    r"|(?P<overseen>接受(?!委托)|服从)"
    r"|(?P<agent>报经|报请|提请|由(?!于|此)|(?<!已)经(?!营|济|费|常|销|纪|理|过)|已经|报(?!告|送|纸|刊)|"
    r"征得|委托|授权)"
)
# 到 names the body one goes to only where it does what one goes for (到…部门办理…手续, 申请,
# 领取); 到…部门指定的金融机构缴纳 names the place it designates, 到市…部门登记 the body's own act.
_GOES_TO = re.compile(r"(?!指定)[^，。；]{0,12}?(?:办理|申请|申领|领取)")
# A clause opening with a body named by function (审批机关, 发证机关, 原登记部门) before its act:
# that act is the clause's own, not the act of a body named in an earlier clause.
_OWN_SUBJECT = re.compile(r"[^\s，。；：、的由经向对]{0,8}?(?:机关|部门|机构)(?:应当|可以|依法|还应当)?")
# At most this many characters (由所在地的, 向工程所在地, 通知原征集的) between marker and body.
_FILLER_MAX = 8
# A place named before the body (由拟设立机构所在地的省…; 向其生产经营场所所在地设区的市级以上…)
# only says which body of the level acts: the marker before the place governs, and a verb inside
# it (拟设立) is no marker.
_PLACE_BEFORE = re.compile(
    rf"(?:(?!(?!设立)(?:{_MARKER.pattern}))[^，。；]){{1,16}}?(?:所在地|发生地|住所地|居住地|户籍地)的?$"
)
# Counted areas (两个以上的县、不设区的市、市辖区或者两个以上设区的市需要…) are places, not bodies.
_COUNTED = re.compile(r"[两二三多]个以上的?[^，。；由经报向]{0,20}$")
# A party obtaining a document (取得, 领取) ends the marker's reach: what follows names who issued it.
_OBTAINS = re.compile(r"取得|获得|领取|申领")
# …but a list of rules may stand between 根据 and the body: 根据有关法律、行政法规和财政部的规定.
_RULES_BEFORE = re.compile(r"(?:法律|行政法规|法规|规章|的规定)(?:、|和|及|以及|或者)$")
_RULE_LIST = re.compile(r"(?:有关|相关)?(?:(?:法律|行政法规|法规|规章|本法|本条例|国家)(?:、|和|及|以及|或者)?)+")
# What is sent to a body for its review (地图…应当依法报送…部门进行审核) is sent for its decision.
_REVIEWED_AFTER = re.compile(r"(?:进行|予以)?(?:审核|审查|审批|批准|核准)")
# Objects of a verb that passes the action on (通知县、市征兵办公室领回, 责成…改正, 移送…处理)
# start a predicate of their own. Other objects sit inside the predicate of the group before
# them (会同同级…部门批准, 约谈该县人民政府…并暂停审批, …的主要负责人): it reads through them.
_PIVOT = frozenset(
    {"通知", "要求", "责成", "责令", "督促", "指导", "监督", "协助", "配合", "帮助", "支持", "函告", "转告",
     "告知", "移送", "移交", "报告", "报送", "上报", "提交", "送交", "请示", "通报", "抄送"}
)

# ======================================================================================
# §4 What follows a group: cues, and what is not a cue.
# ======================================================================================
# Words that introduce other bodies as the object of an act or a role (协助有关部门, 检查所属部门).
_OTHER_BODIES = r"有关|相关|其他|下级|所属"
# A keyword followed by a department suffix is part of a name, not a verb (监督管理部门,
# 城乡规划主管部门, 登记管理机关, 行政审批服务部门); one followed by 职责 describes a duty
# (负有…监督管理职责的部门).
_NOT_NAME = (
    # …but the act's object may be a body (征用国家机关…的房屋, 检查有关部门…).
    rf"(?!(?!国家机关|{_OTHER_BODIES})[^\s，。；：、的]{{0,3}}?(?:部门|机构|机关|局|厅|署|委员会))"
    r"(?![^\s，。；：、的]{0,6}?(?:职责|职能|职权|人员|工作中|中发现))"
)
# An act word followed by these is a noun (监督检查要点, 监督管理机制, 实施细则, 邮件处理中心,
# 审批流程, 登记申请): it names a thing, not what the body does.
_NOT_NOUN = (
    r"(?:(?<=启动|解除)|(?!要点|办法|规范|标准|制度|计划|方案|规则|细则|目录|记录|结果|情况|意见|文件|文书|证书|证明|程序|"
    r"机制|体系|措施|中心|站|厂|设施|预案|资本|能力|水平|费用|手续费|书|收据|票据|单据|流程|环节|效能|效率|范围|申请(?!人)|事权|职权|指标|平台|窗口|渠道|建议|"
    r"报告|内容|排名|机构|专家|系统|医学|(?<!批准)(?<!核准)项目|进行(?:指导|监督|督促|督导|协调|统筹|研究|评估)))"
)
_RESPONSIBLE = r"明确[^，。；]{0,8}?责任(?:人|主体|单位)"
_MEASURES = (
    r"采取[^，。；]{0,12}?(?:管控|处置|控制|强制|封锁|隔离|应急|禁入|禁止[^，。；]{0,4}|限制[^，。；]{0,4})的?措施|"
    r"采取[^，。；]{0,8}?措施(?=[^，。；]{0,2}?(?:消除|制止|排除)[^，。；]{0,4}?(?:危害|影响|违法))"
)
_NOT_APPLIED = r"(?![^，。；]{0,16}?(?:清单|规划|计划|预案|标准|制度|政策|优惠|统计调查|普查|监测|补贴|储备|本(?:法|条例|办法|规定|细则)))"
# The acts of the rulebook: approve, license, register, decide, sanction, inspect, implement,
# be in charge of (主管, 负责…管理, 履行监督检查职责). 批准书/批准文件 and 许可证 are
# documents; 发放 counts for a licence (发放…证), not for funds; 共同决定 is others' decision;
# The places a ban or a government's rule fixes (…禁止设置户外广告的区域; 确定限制或者禁止…的地点).
_SITES = r"地点|区域|地段|路段"
# 有权 is the body's power only in its own clause (公众有权查阅 is not, see _predicate).
_ACT_WORDS = (
    r"履行[^，。；]{0,8}?(?:监督检查|监督管理|行政执法)职责|监督检查|监督管理(?!信息|系统|平台)|监督抽查|审核批准|审查批准|"
    r"作出(?:(?!复议|复核)[^，。；]){0,12}?决定|"
    r"批准(?!书|文件|证|文号)|审批|许可(?!证)|核准|核发|颁发|发放(?=[^，。；]{0,12}?[证照牌卡])|发给|换发|"
    r"登记|注册|认定|确认|(?<!共同)(?<!的)决定|"
    r"处罚|罚款(?![^，。；]{0,4}?(?:上缴|缴纳|缴入|收入))|(?:给予|予以)(?:警告|告诫)|并处|处(?=[一二三四五六七八九十百千万\d])|处以|责令|没收|吊销|撤销|注销|查封|扣押|"
    r"征收|收取|征用|收缴|追缴|取缔|查处|处理|拆除|关闭|关停|停业|暂扣|禁止其|签发|检查|抽查|检验|检疫|"
    r"宣告(?=[^，。；]{0,12}?无效)|限制其|授予(?=[^，。；]{0,8}?经营权)|"
    # 调整饮用水水源保护区的范围: changing a zone is fixing it (like 划定).
    r"调整(?=[^，。；]{0,12}?保护区的?(?:范围|边界))|"
    # Compensation for what the state took (强制扑杀的动物…征收征用的物品…给予补偿; set 1 hard case 7;
    # see _TAKEN).
    r"给予[^，。；]{0,6}?补偿(?=[。；]|$)|"
    # A hearing is a step of the decision it precedes (…认为拟定的征地补偿安置方案不符合…的，县级以上
    # 地方人民政府应当组织听证; see _HEARD).
    r"(?:组织|举行)听证(?!会|和)|"
    # A ban named as an attribute of the zone or time it covers (县级以上地方人民政府禁止设置户外
    # 广告的区域; 城市人民政府禁止的时段): the government decides the zone (see _RESTRICTED_SITE).
    rf"(?<=政府)(?:禁止|限制)(?:或者限制)?(?=[^，。；]{{0,16}}?的[^，。；]{{0,8}}?(?:{_SITES}|时段))|"
    # …and sites a government fixes (设区的市级人民政府规定的场所).
    rf"(?<=政府)规定(?=的(?:{_SITES}|场所))|"
    # 实施 a norm, a plan or a survey (严格实施…负面清单, 组织实施…发展规划, 实施统计调查) is a
    # general duty or planning, and 实施监督 is 监督 (decided below). After 的, 组织 is an
    # organisation (委托…的组织实施): the act is 实施 alone, and the organisation its holder.
    rf"(?:(?<!的)组织)?(?<!的)(?<!规定)(?<!督促)(?<!编制和)(?<!制定和)实施(?!监督){_NOT_APPLIED}|"
    r"监管(?![^，。；]{0,6}?(?:信息|效能|能力|系统|平台))|查验|核查|稽查|"
    # Added after the fifth blind measurement: sampling tests of outside parties (对在用机动车…
    # 进行监督抽测), naming the party responsible for a thing (明确山体保护责任人; third sample,
    # hard case 8), control measures taken on an incident (采取管控处置措施, 采取…补救和管控措施;
    # not 采取措施 in general, a duty), and requiring a named party to act (要求土地使用权人…开展…调查).
    rf"监督抽测|抽测|抽检|{_RESPONSIBLE}(?!、)|{_MEASURES}|应急处置(?!设施|设备|能力|方案|预案)|"
    # …a pledge, an agreement or an administrative contract signed with a private party
    # (与保护管理责任人签订文物保护管理责任书; 出让合同由…与土地使用者签订; see _SIGNS_WITH_PARTY),
    r"签订(?=[^，。；]{0,20}?(?:责任书|协议|(?:出让|承包|还林|还草|补偿|征收)合同)|[，。；]|$)|"
    r"要求(?=[^，。；]{0,24}?(?:使用权人|权利人|责任人|当事人|申请人|经营者|生产者|所有人|供应商|单位|企业|公司|银行|金融机构|公民|法人))|"
    # …declaring a state (宣布预报区进入临震应急期) or launching a plan (启动…应急预案), a public
    # reprimand (给予通报批评), designating a site (将…公布为文物保护单位), certifying (计量认证);
    # and, from the samples after the fifth (docs/level-rules.md): restoration a government bears,
    # orders served (下达…责任书), jurisdiction and its powers (管辖, 行使…处罚权), accepting (认可,
    # 验收), inquiries of banks (查询…账户), lifting measures, filing numbers, quotas allocated.
    r"发出(?=[^，。；]{0,8}?(?:预警|警报)(?!机制|制度|系统|体系|平台|设施))|宣布(?!废止|失效|无效)|启动(?=[^，。；]{0,24}?(?:预案|应急响应))|通报批评|公布为|"
    r"(?<!计量|从事)认证(?!机构|证书|标志|结果)|计量认证|"
    r"告知申请人(?=[^，。；]{0,16}?补正)|(?:予以|责令)纠正|承担[^，。；]{0,6}?修复责任|下达[^，。；]{0,8}?(?:责任书|决定书|通知书)|"
    r"行使[^，。；]{0,8}?(?:处罚|许可|审批|检查|管理)权|(?<![的其所])管辖(?!权|范围|区域|区|的|内)|认可(?!的?(?:机构|实验室))|"
    r"(?<!提供)查询(?=[^，。；]{0,16}?(?:情况|账户|帐户|存款|资料))|验收|解除(?=[^，。；]{0,10}?措施)|"
    r"发放[^，。；]{0,6}?编号|分解(?:落实)?到(?=[^，。；]{0,4}?(?:排污单位|企业))|"
    # Added after the fourth audit: reducing a named user's quota (核减取水单位的…开采量), taking
    # back a right (无偿收回其划拨土地使用权), withdrawing an outside party's qualification (取消其…
    # 资格, not the body's own reviewers'), dispatching (负责…救援队的统筹调度).
    r"核减(?![^，。；]{0,4}?(?:经费|预算))|收回(?=[^，。；]{0,12}?(?:使用权|许可证|证书|执照))|"
    r"取消(?=[^，。；]{0,10}?资格)(?![^，。；]{0,10}?(?:评审|委员))|(?<!强化)统筹调度|"
    # From the eleventh sample: a ruling on a request (作出裁定), supervising a party's destruction
    # (监督销毁), authorising an outside testing body (授权…计量检定机构), rescue after an accident
    # (not a kind of team or its equipment: 应急救援装备, 应急救援、巡逻…队伍); from the fourteenth,
    # a group set up to take over or wind up a company, or to investigate (成立行政清理组).
    r"作出[^，。；]{0,6}?裁定|监督销毁|成立(?=[^，。；]{0,4}?(?:清理组|接管组|托管组|清算组|调查组))|授权(?=[^，。；]{0,12}?(?:检定|检测|检验|鉴定|认证)机构)|"
    r"(?:事故|应急)救援(?!队|设施|设备|装备|器材|物资|能力|预案|体系|指挥)(?![^，。；]{0,16}?(?:情况|队伍))|"
    r"审核|审查|初审|审定|核定|鉴定|同意|批复|(?:统一|依法|分别|具体)(?:管理|调度)|主管(?!部门|机关|人员)(?![^，。；]{0,16}?工作的(?:部门|机构|机关))|"
    # Since the second blind measurement: accepting an application is the first step of the
    # grant (受理…专利国际申请, 负责受理); accepting complaints or filings is not.
    # 注册申请受理前, 热线事项受理 name a stage of the procedure, not the body's act.
    r"(?<!申请|事项)受理(?![^，。；]{0,20}?(?:投诉|举报|控告|检举|申诉|复议|备案|信访|诉讼|报告|推荐))(?!条件|席位)(?![^，。；]{0,16}?的(?:地点|场所|窗口))|"
    r"(?<![所专享拥具])有权(?!益|利|人)|"
    # Added after the first blind measurement (docs/level-rules.md): designating a body or a
    # place (指定的设关机场, 指定的媒体; not a deadline: 指定的期限), delimiting zones (划定疫区),
    # rating or examining third parties (对从业单位…进行评价, 考试合格; see _RATING for when the
    # rated are bodies), assigning a number (给予申请号), organising a restoration (组织复垦).
    # 依据划定的控制线, 按照指定的区域, 在指定的专业报刊上 refer to a zone or a place
    # delimited or designated before, by someone else; 指定的其他产品 lists products (a rule).
    r"(?<!依据|按照|依照|根据)(?:(?<!在)指定(?![^，。；]{0,2}?(?:期限|期间|时间|日期|时限|专人|专门|人员|[^，。；]{0,4}负责人))(?!的(?:其他)?(?:产品|商品|物品|品种)(?!质量|检测|检验))|划定|(?:划入|划为)(?=[^，。；]{0,12}?(?:保护区|保护地|公园|保护范围|管制区|禁区)))|"
    r"评价|评定|考核|考试|考评|给予[^，。；]{0,8}?号|"
    # 组织…修复 is the restoration itself, not 组织编制…修复规划 nor 组织制定…修复标准.
    r"组织(?:(?!编制|制定|制订|拟定|拟订|规划|计划|方案|标准)[^，。；]){0,64}?(?:复垦|修复)"
    r"(?!规划|计划|方案|标准|资金|责任|义务|能力)(?![^，。；]{0,8}?规划)"
)
# Rating counts only when third parties are rated or examined (rulebook). Rating bodies is
# supervision (对下级人民政府…进行考核, 考核评价各级人民政府…); a 考核 of nobody is a system
# (目标责任制和考核评价制度); assessing nature or policy is study (水资源调查评价, 海洋环境质量).
# Compensation counts only for what the state took or destroyed (征收, 征用, 扑杀, 收回…), not for
# losses from a protection rule or a plan, which is funding (rulebook).
_TAKEN = re.compile(r"征收|征用|扑杀|销毁|收回|强制")
# A hearing counts as a step of a licence, a penalty or an expropriation (not of a price: rule-making).
_HEARD = re.compile(r"许可|审批|处罚|征收|征地|征用")
_RATING = frozenset({"评价", "评定", "考核", "考试", "考评"})
_RATED_BODY = re.compile(r"政府|部门|下级|机关|干部|工作人员|负责人|绩效|目标|其管理的|所属")
_RATED_PARTY = re.compile(
    r"企业|单位|机构|人员|经营者|从业|医师|教师|药师|矿长|驾驶|申请人|学员|考生|等级|信用|资质|服务质量|"
    r"业务质量|执业|技能|职业资格|标准器具"
)
_NOT_PARTY = re.compile(
    r"环境|生态|资源|气候|水质|海域|影响|效果|效益|资金|政策|方针|情况|工作|调查|监测|分析|检索|总结|推行|自主"
)
_PASSED = re.compile(r"(?:[、和][^，。；]{0,6}?)?合格")
# 确定 decides when what it fixes is a party or a site (确定…重点排污单位, 配售民用枪支的企业，由…确定,
# 确定禁止燃放烟花爆竹的区域, 确定…管控指标); it sets a rule or settles the competence of bodies
# when it fixes a standard, a scope, a time, a method or a department (补偿费的标准，由…确定;
# 确定…部门职责划分; 确定相关机构…承担…工作).
_DETERMINED = re.compile(
    r"(?:保护|用地|控制|管理)范围|禁区|管理区|等级|企业|单位|医院|责任人|服务人|管理人|经营者|代表|人选|区块|基地|责任区|(?<!行政)区域|收集点|地点|指标|栖息地名录|"
    r"(?:援助|培训|检测|检验|鉴定|定点)(?:机构|所)"
)
_NOT_DETERMINED = re.compile(
    r"部门|内设|政府|职责|分工|标准|办法|目录|(?<!栖息地)名录|(?<!保护|用地|控制|管理)范围|期限|时间|比例|税率|幅度|方案|模式|方式|程序|条件|限额|"
    r"数额|名额|政策|领域|项目|规划|原则|要求|内容|牵头|工作|承办|主办|协办|体系|任务|总量(?!控制)|布局|结构"
)
# The sites of a ban (确定限制或者禁止燃放烟花爆竹的时间、地点和种类) are decided, whatever else is fixed with them.
_RESTRICTED_SITE = re.compile(rf"(?:禁止|限制)[^，。；]{{0,16}}?的[^，。；]{{0,8}}?(?:{_SITES})")
# 国家确定的, 上级人民政府确定的, 计划确定的: a 确定 whose own subject is named just before it is not the group's.
_OTHER_DECIDER = re.compile(r"(?:国家|上级|上一级|国务院|省|政府|部门|计划|规划|方案)$")
# 调查 is an inquiry (no survey word next to it) into an incident, a case or a claim.
_SURVEY = re.compile(r"统计|监测|评估|评价|普查|摸排|区划|资源|地质|土地|研究|结果|报告|制度|规划|基础|需求|水土")
_INCIDENT = re.compile(r"事故|突发事件|案件|违法|异议|申请人|举报|投诉|核实|取证|情节|纠纷|倾销|补贴|垄断|侵权")
# Supervision (检查, 监督管理…) of bodies — 对所属有关部门和下级人民政府…进行监督检查 — is not an act
# on third parties (rulebook: 指导, 监督 of other bodies).
_SUPERVISION = frozenset({"监督检查", "检查", "监督管理", "抽查", "核查", "稽查", "监管", "督查"})
_SUPERVISED_BODY = re.compile(r"下级|所属|部门|政府|机关|国务院|(?:监督管理|监管|管理|行政)机构|职责")
# …，由…按照规定执行。 gives the work to the body, unless another executes it (由…申请人民法院强制执行,
# 交…部门执行) or what is executed is a rule (其抚恤优待的办法和标准，由…依照…的规定执行).
_EXECUTED_BY_OTHERS = re.compile(r"[，；]|申请|交")
_APPLIED_RULES = re.compile(r"办法|标准")
_WARNING = re.compile(r"预警(?!机制|制度|系统|体系|平台|设施|通道|监测|能力)|警报(?!器|设施|系统)")
_OBJECT_BODY = re.compile(rf"(?:{_OTHER_BODIES}|各)[^，。；、]{{0,6}}?(?:部门|政府|机关|机构)")
_SUPERVISED_PARTY = re.compile(r"企业|单位|经营者|从业|人员|机构|事务所|协会|医师|教师|律师|公司|银行|市场主体")
_CUE = re.compile(
    "|".join(
        [
            # An act: the group is the holder of the power.
            rf"(?P<act>{_ACT_WORDS}){_NOT_NAME}{_NOT_NOUN}",
            # What a private party does towards a body: decisive only after 向 (向…申请).
            # 向…请求（行政）裁决/处理 asks the body to decide a dispute (fifth sample, hard case 12).
            rf"(?P<apply>申请|申报|申领|办理|领取|请求(?=(?:行政)?(?:裁决|处理|查处)|恢复)|提交(?![^，。；的]{{0,8}}?(?:复审|复议|复核))(?=[^，。；的]{{0,8}}?请求书)){_NOT_NAME}",
            # A role that is not the deciding authority: sets rules or standards (制定, 规定,
            # 确定, 公布, 编制), receives a filing or report (备案, 报告, 抄送), hears a review
            # (复议, 复核, 申诉, 裁决), guides or supervises others (指导, 监督, 督促, 考核),
            # plans (规划, 纳入), funds (经费, 保障, 补贴), encourages or supports (鼓励, 支持),
            # leads (领导, 统筹, 协调), assists (协助, 配合), proposes (提出, 建议, 推荐).
            r"(?P<role>制定|制订|拟定|拟订|起草|解释|另行规定|规定|发布|公布|颁布|编制|规划|目录|"
            r"备案|抄送|(?<!检测|检验|鉴定|审计|监测)报告(?!书|表)|报送|通报|上报|复议|复核|申诉|裁决|指导|监督|督促|督导|领导|统筹|协调|"
            r"鼓励|支持|扶持|引导|宣传|保障|经费|纳入|列入|建立|健全|印制|制作|提出|建议|会商|评估|推行|简化|公告|公示|提交(?!(?:[^，。；的]{0,6}?)申请)(?![^，。；的]{0,8}?请求书)|聘任|聘用|任命|"
            rf"推进|推动|培训|补贴|奖励|表彰|研究|推荐|协助|配合){_NOT_NAME}",
            # 确定 decides a party or a site (确定…企业, 确定…责任人, 确定…区域) or sets a rule
            # (确定…标准, 确定…部门职责): see _determines_party.
            rf"(?P<determine>确定){_NOT_NAME}",
            # 调查 is an inquiry into an incident or a case (事故, 违法行为), or a survey of nature
            # or statistics (地质调查, 调查统计) that decides nothing: see _inquires.
            rf"(?P<inquiry>调查(?:核实|取证)?(?!处理|处置)){_NOT_NAME}",
            # A private party's complaint or payment: decisive (no assignment) only after 向
            # (向…投诉); elsewhere (接到举报后) it is context.
            r"(?P<complain>投诉|举报|控告|检举|缴纳|交纳|咨询)",
            # 负责 is decided by what it governs: 负责…管理/审批 is an act, 负责编制规划 is not,
            # nor is 负责…工作 without 管理 (a general responsibility). 负责人 is a person.
            r"(?P<charge>负责(?!人)|主持|承担(?![^，。；]{0,30}?(?:技术|保管|录用|招录|服务))(?=[^，。；]{0,30}?工作(?:[，。；]|$)))",
            # Commanding an operation (负责海上应急救援…的组织、协调和指挥; 服从…的统一指挥) is
            # implementing it: an act under 负责 or after 接受/服从, not a 指挥体系 or 指挥机构.
            r"(?P<command>指挥)(?!部|机构|中心|体系|平台|系统|机制|长|人员|协调|和作业)",
            r"(?P<execute>执行)",
            r"(?P<manage>管理)(?![^\s，。；：、的]{0,6}?(?:部门|机构|机关|局|办法|规定|制度|规范|条例|职责|人员))(?!法规|政策)",
        ]
    )
)

# Spans of the predicate whose words are not the body's act (their cues are skipped):
# an adverbial naming a rule (依照食品安全法…的规定进行处理; 按照国务院规定的权限批准;
# 按照各自职责) …
_ADVERBIAL = re.compile(
    r"(?:依据|依照|根据|按照)职权|"  # first: 依据职权决定 is no rule named 决定
    r"(?:依照|按照|根据|依据|参照|比照|遵照)(?:《[^》]{0,60}》|[^，。；《]){0,40}?"
    r"(?:规定|办法|标准|要求|程序|权限|职责分工|职责|分工|决定|细则|条例|规划|计划|方案|意见|目标|原则|安排|需要|结果|任务)"
    # …and what completes the rule named: 依照本条例的规定, 比照本条例第三章的规定, 依据国家…标准和其他有关规定.
    r"(?:第[^，。；]{1,12}?的)?(?:的?(?:有关|相关)?(?:规定|要求))?(?:(?:和|及|以及|、)(?:其他)?(?:有关|相关)?(?:规定|要求|标准))?"
    r"|(?:按照|依照|根据)?(?:各自的?)?职责(?:分工)?"
)
# … the object of the act (加强对…房屋征收…的指导; 将…审核工作委托…) …
_OBJECT_PHRASE = (
    # 对水工程建设是否符合流域综合规划进行审查: the whole object up to 进行/予以
    r"对(?!外)(?:(?!实施|加强|，)[^。；]){0,40}?(?=进行|予以|作出|给予)"
    r"|对(?!外)(?:(?!进行|实施(?!情况)|予以|作出|给予|加强|采取)[^，。；的]){0,30}的"
    # 对因…实施退田还湖…导致转产转业的农民: the cause names what others did; and so does what is
    # supported (对…上游地区实施生态环境修复和其他保护措施给予支持)
    r"|对因[^，。；]{0,60}?的"
    r"|对(?!外)[^。；]{0,80}?(?=给予(?:支持|扶持|帮助|补助|补贴|资助))"
    # 应当为纳入机构编制管理的公办幼儿园核定编制: the beneficiary of the act
    r"|(?<=应当|可以|负责)为(?!了|主)[^，。；]{0,30}?的"
    # …为海洋环境保护监督管理、信息共享提供服务: what the service is for
    r"|为(?!了|主)[^，。；]{0,30}?(?=提供)"
    # …提供进出口商品检验方面的信息: what is provided (information), not an act
    r"|提供[^，。；]{0,24}?(?:信息|资料|数据)(?=[，。；]|$)"
    r"|将[^，。；]{0,30}?(?=委托|交由|交给|移交|移送|授权|纳入|列入|报|录入|输入|上传)"
    # 将…检疫、监督管理…等所需经费纳入本级财政预算: what is funded, however long; and what is
    # reported or entered into a system (将房屋装修、安全鉴定…等信息，录入…系统)
    r"|将[^。；]{0,120}?(?:经费|费用)(?=纳入|列入)"
    r"|将[^，。；]{0,80}?(?=，(?:分别|逐级|及时|并|应当)*(?:上报|报送|报告|通报|抄送|告知|向社会公布|公布|公告|录入|输入|上传))"
)
# … a time reference (自收到申请之日起; 在实施…7日前，; 接到…通报后，), also a long one (在收到国务院
# 专利行政部门发出的发明专利申请进入实质审查阶段通知书之日起) …
# 在 the preposition, not the 在 of 所在地, 存在, 现在, 实在, 正在 (nor 内在, but 十日内在 is one).
_AT = r"(?<![所存现实正])(?<!(?<!日)内)在"
_SINCE = r"[自在][^，。；]{0,48}?之日起"
# 当 the conjunction, not the 当 of 应当, 相当, 适当, 正当.
_WHEN = rf"(?:{_AT}|需要|(?<![应相适正])当|接到|收到)[^，。；]{{0,40}}?(?:之前|以前|前|之后|以后|后|时|期间|过程中)(?=，)"
# … and a rule named as a modifier (法律、法规规定的有关部门).
_RULE_MODIFIER = r"(?:法律|行政法规|法规|规章|本法|本条例|本办法|本规定|国家)[^，。；]{0,12}?规定的"
# … a frame set by another body (在国务院价格主管部门公布的…项目的基础上; 在国务院…授权的范围内)
# or a field (在考试、办理驾驶执照等方面提供便利) …
# A zone the body itself delimits is its act, not a frame (县级人民政府划定的范围内).
# …in the course of other work (在调查处理…事件中发现…; 在…监督管理中应当履行下列职责) …
_FRAME = (
    rf"{_AT}(?:(?!划定|指定)[^，。；]){{0,50}}?(?:的基础上|基础上|的范围内|范围内|方面)"
    rf"|{_AT}[^，。；]{{0,40}}?(?:工作|活动|过程)?中(?=发现|应当|可以)"
)
# … and an exception (办理除…驾驶技能考试以外的其他…业务).
_EXCEPT = r"除[^，。；]{0,60}?(?:以外|之外)"
# … and the partners after 会同 (会同自然资源和规划、生态环境部门划定…: 规划 names a department).
_PARTNERS = r"会同[^，。；]{0,40}?(?:部门|机构|机关)(?:等)?"
# … and carrying out a plan the body drew up (制定…应急监测方案并组织实施): planning (rulebook).
_OWN_PLAN = r"(?:制定|制订|编制|拟定|拟订)[^，。；]{0,30}?(?:方案|规划|计划|预案)并(?:组织)?实施"
# … and the means of an encouragement (采取划定养殖小区、财政扶持等措施，鼓励、支持养殖户…).
_INCENTIVES = r"采取[^，。；]{0,30}?等(?:措施|方式|办法)(?=，?(?:鼓励|支持|引导|扶持|推动|促进))"
_MASK = re.compile(
    rf"{_ADVERBIAL.pattern}|{_OBJECT_PHRASE}|{_SINCE}|{_WHEN}|{_RULE_MODIFIER}|{_FRAME}|{_EXCEPT}|{_PARTNERS}|{_OWN_PLAN}"
    rf"|{_INCENTIVES}"
)
# A body named inside a time reference (接到县级以上人民政府…的情况通报后) or a frame is a
# circumstance of another body's act; one inside a title (《国务院关于修改…的决定》) or a repeal clause
# (1997年…国务院批准、…发布的《…》同时废止) names who made a text, not who holds a power.
_CIRCUMSTANCE = re.compile(rf"{_SINCE}|{_WHEN}|{_FRAME}|《[^《》]*(?:〈[^〉]*〉[^《》]*)*》|[^。；]*同时废止")
# A first clause saying when the body acts (…核发失业保险金时，应当查验…) is circumstance.
_LEAD_CLAUSE = re.compile(r"[^，。；]{0,40}?(?:时|之前|以前|前)，")

# …or a party or a scope the body approved (省…财政部门批准的会计师事务所; 按照国务院…机构批准的
# 业务范围; 国务院…主管部门依法作出的禁止决定): the attribute still names who approves.
_APPROVED_PARTY = re.compile(
    r"(?:设立)?的(?:[^，。；的]{0,12}?的)?[^，。；的]{0,8}?(?:事务所|企业|公司|银行|业务|经营范围|区域|决定|结论|许可|登记证|执照|说明书|标签|交易场所|会计师)"
)

# Chains. 审核/审查/初审 followed by 报…/推荐: the body forwards the file (由甲审核后报乙批准).
_FORWARD_AFTER = re.compile(
    r"[^。；]{0,24}?(?:报|上报|报送|报请|提请|推荐)"
    # 审核同意并经总后勤部卫生部批准: another body approves (not 审查，经审查合格的，颁发…).
    r"|[^。；]{0,24}?(?:后|并|，|再)经(?!营|济|费|常|过|审|核|检|考|批)[^，。；]{0,60}?(?:批准|同意|审批|核准)"
    # 经…初审同意后，由省…部门核发: the body after 由 grants.
    r"|[^，。；]{0,6}?后，由[^，。；]{0,30}?(?:批准|审批|核准|核发|颁发|发放)"
    # 核查…损失情况，…提出补偿方案: an inquiry that ends in a proposal prepares another body's
    # decision, even when that decision lies beyond the unit (蓄滞洪区运用补偿暂行办法 第十七条).
    r"|[^。；]{0,40}?提出[^，。；]{0,12}?(?:方案|意见|建议)"
)
# A body that 报/报请/提请s another within the clause before the act hands the decision on,
# even when the addressee has no level (报共同的上一级人民政府…批准) or is a congress
# (国务院提请全国人民代表大会常务委员会作出…决定). 报告/报送/报批/报备 are other words. A case
# 移送ed within the clause is referred the same way (将案件移送司法机关处理), not the case 所移送的.
_HANDED_ON = re.compile(
    r"报请|报经|提请|(?<![举申情汇预公电通上呈填简学海警捷年月日周快])报(?!告|送|纸|刊|表|备|批|销|道|名|考|价|关|废|酬|社|案|建|到)"
    r"|(?<!所)(?:移送|移交)(?!的)"
)
# The acts that prepare a decision rather than take it.
_PREPARE = frozenset({"审核", "审查", "初审", "核查"})
# …and those that vet information for publication (旱情由…统一审核、发布; 普查数据…审定并会同…公布).
_VETTING = _PREPARE | {"审定"}
# A review only filed upward afterwards (进行审核，并报国务院文物行政部门备案) is the decision itself.
_FILED_AFTER = re.compile(r"[^，。；]{0,8}?，?并?报[^，。；]{0,24}?备案(?=[，。；]|$)")
# …and an acceptance inspection followed by another body's approval (经省…部门验收合格，并报国务院…
# 批准后，方可投产使用).
_ACCEPTED_THEN_APPROVED = re.compile(r"合格?[，、]?(?:并|后)?报[^。；]{0,30}?(?:批准|审批|核准)")
# 向…申请 a reconsideration, a review or support is not an application for a licence.
_REVIEWS = r"复议|复核|复审|再次鉴定|重新鉴定|再鉴定"
_REVIEW_AFTER = re.compile(
    rf"[^，。；]{{0,4}}?(?:{_REVIEWS}|裁决|仲裁|支持|补助|补贴|资助|救助|帮助|援助|赔偿|调解|奖励)"
)
# Acts that decide an application: a later 报/经/由…批准 makes an earlier receiver of the
# application (向甲申请) a forwarder.
_APPROVAL = re.compile(
    r"批准|审批|核准|审核批准|审查批准|同意|许可|认可|决定|作出.*决定|核发|发给|颁发|签发|发放|登记|注册|批复|认定|确认"
)
# Such an act followed by 的 (within a short verb phrase) modifies a noun (县级以上人民政府颁发的
# 工作证件; 国务院批准设立的…): not an assignment unless 经/由/报 introduce the body.
_ATTRIBUTIVE = re.compile(r"[^，。；的]{0,4}的")
# …except a licence or certificate that the body issues to outside parties (凭国务院外经贸主管部门
# 发放的进口配额许可证; 取得…部门核发的狩猎证): it names who licenses. A staff card or an honour
# is no licence (县级以上人民政府统计机构…颁发的工作证件; 省…部门统一核发的检查证; 国务院颁发的荣誉证书).
_ISSUE = frozenset({"颁发", "发放", "核发", "签发", "发给", "换发"})
# 颁发“扫盲奖”: an award is commendation, not a licence (fifth sample; fourth audit).
_AWARD = re.compile(r"[^，。；]{0,12}?(?:奖(?!励金)|荣誉|称号|奖章|奖状)")
# 指定专门单位负责保管、处理…礼品: the body's own unit does the work (internal organisation).
_STAFF_CHARGED = re.compile(r"(?:指定|确定|明确|设立|设置)[^，。；]{0,4}?(?:专门|内设|专人|专职|相应)[^，。；]{0,8}?(?:负责|承担)")
# 设立检验机构，负责本行业…的检验工作: the technical, service or arbitration institution set up
# does the work, not the body (a department's own 检查站 or 审定委员会 still acts for it).
_SETS_UP = re.compile(r"设立[^，。；]{0,24}?(?:检验|检测|技术|服务|援助|遴选|惩戒|仲裁)[^，。；]{0,6}?(?:机构|中心|站|委员会)，")
_LICENCE_AFTER = re.compile(
    r"[^，。；的]{0,4}的(?![^，。；]{0,12}?(?:工作证|检查证|执法证|荣誉|任命))[^，。；]{0,12}?[证照牌]"
)

# A role verb ends the predicate, unless it is listed with an act (进行评估、核查; 指导和监督检查)
# or a later clause restarts with an act of the same subject (负责编制…规划，负责河道工程管理;
# 建立…制度，对…进行监督检查). After "，对…" a bare 实施 does not count (对…实施整体开发).
_LIST_JOIN = re.compile(r"、|和|及|以及|与|或者")
# 评估 written together with a rating act (对…单位…进行评估考核) is listed with it.
_JOINED_ROLE = frozenset({"评估", "研究"})  # 研究批准 is one act
_RESTART = re.compile(
    r"(?:[^，。；]*，)+?(?=(?:并|同时)?(?:具体|统一|分别)?(?:负责|主管|依法|有权|做好(?=[^，。；]{0,20}?监督管理)|(?P<on>对)|"
    # …or opens with a decisive act (建立…机制，划定…重点区域; 制定…修复计划，组织对…进行生态修复).
    r"(?:划定|指定|批准|审批|核准|核发|颁发|发放|责令|吊销|撤销|组织[^，。；]{0,64}?(?:复垦|修复)|"
    # …明确…责任人 (建立保护档案，明确山体保护责任人); 应当及时采取…管控措施 after an assessment.
    rf"(?:实施[^，。；]{{0,6}}?)?(?:监督管理|统一调度)|{_RESPONSIBLE}|(?:应当)?(?:及时|立即)?{_MEASURES}|"
    # …组织或者参与事故的调查处理 after 建立健全…制度 (eleventh sample).
    r"(?:组织|参与)[^，。；]{0,8}?(?:事故|事件|案件)[^，。；]{0,4}?调查|"
    # …及时受理…申请 after 建立统一受理…申请的窗口 (sixteenth sample).
    r"(?:及时|依法)?受理[^，。；]{0,8}?申请)))"
)
# Added after the fifth blind measurement. 甲授权乙… hands the power to 乙: the act that follows
# is the delegate's (中央人民政府授权香港特别行政区政府…签发…护照). So, since set 13 (row 186), is
# the act after 委托: the entrusted organisation exercises it (委托…的组织实施劳动保障监察), though
# the entrusting body keeps the legal responsibility. 授权部门 / 委托机构 are nouns.
# 授权 of an outside testing body is itself the act (an act word: 授权有关单位的计量检定机构), and
# asking the army to act (请求当地驻军…参与事故救援) hands the act on like 授权.
_DELEGATED = re.compile(
    r"(?:授权|请求|委托)(?!的|部门|机构)[^，。；]{0,20}?(?:政府|部门|机构|机关|组织|驻军|部队|特别行政区)"
    # …部门委托的高等学校组织实施: a delegate that is no department of the body's level.
    r"|^委托的[^，。；]{0,12}?(?:学校|单位|组织|机构|协会|中心)"
)
# …but in 由国务院或者国务院授权有关部门… the first alternative acts itself, next to its delegate.
_DELEGATES = re.compile(r"(?:授权|委托)(?!的)")
# A draft (行政法规草案由国务院…审批) is approved in making a rule, not as an act on the public;
# a plan's draft (在审批…专项规划草案，作出决策前) is the plan, approved as an act (set 16 row 262).
_DRAFT = re.compile(r"(?<!规划)草案|立法(?:工作)?(?:计划|规划)|立法法|起草")
# Approving or deciding a standard, a ratio, a rate, a list or how a law applies is making a rule
# (彩票资金构成比例由国务院决定; 规模标准…报国务院批准; 名录…报国务院批准后公布; rulebook: 制定…
# 标准/办法/目录): the noun is the topic before the body or the object after the act.
_RULE_ACTS = frozenset({"批准", "审批", "决定", "核准", "同意", "审定", "有权", "审核", "审查", "核定", "审核批准", "审查批准"})
_CONDITION = re.compile(r"符合|满足|按照|依照|根据|依据|违反|达到|已有")
_RULE_NOUN = re.compile(
    r"标准|比例|税额|税率|幅度|具体范围|适用范围|(?<!本)办法|(?<!本)细则|名录|目录|实施步骤|(?<!法律)适用(?!于)(?=[，。；]|$|[^，。；]{0,12}?(?:法|条例|规定|办法|细则|标准|规则|规范|程序|税率|政策|目录))|(?:的|采用)(?:方法|方式)|"
    # …and so is staffing the administration (对…行政机构的行政编制实行专项管理): internal organisation.
    r"(?:行政|机构|机关)编制|配备方案|派出机关|派出机构|聘任制|职位|招聘|借调|工作时间|组成人员|"
    # …and honours (授予荣誉称号…审批: commendation, fifth sample), a syllabus, a measurement
    # standard, the conditions of an authorisation (设立条件…报国务院批准).
    r"荣誉|称号|关衔|警衔|表彰|大纲|基准(?!证书)|(?:设立|准入|资格|许可)条件|"
    # …a rate (储蓄存款利率…经国务院批准后公布; an insurer's 保险费率 is its own, approved as an act),
    # how competence is shared (管理权限确需调整的，由市人民政府批准: internal allocation), from the
    # fourth audit; a budget (编制预算，报本级人民政府批准: funding; a project's 设计与预算 is the project),
    # from the eleventh sample; and its accounts (编制…收支计划…决算，报同级财政部门审批).
    r"利率|(?<!保险)费率|汇率|权限[^，。；]{0,6}?调整|(?<!设计与)(?<!项目)预算|决算|收支计划"
)
# A body of government that breaks a duty (…统计机构…违反本条例规定…的) is sanctioned by another
# body: 责令改正, 通报批评 of a department is supervision of bodies, not an act on the public.
# A list may end in a long catch-all (…或者其他依照本条例规定行使监督管理权的部门及其工作人员，不履行…).
_BODY_VIOLATOR = re.compile(rf"(?:(?:及其|或者)[^，。；]{{0,24}}?|或者其他[^，。；]{{0,32}}?及其工作人员)?，?(?:及其工作人员)?(?:{_BREACH})")
# A prohibition on the body (…有关部门不得组织实施…) grants it no power.
_FORBIDDEN = re.compile(r"(?:不得|禁止)[^，。；的]*$")
_PUBLISHED = re.compile(r"[、和并]{1,2}(?:会同[^，。；]{0,16}?)?(?:发布|公布)")
# Added from the eighth sample's errors: a body named as the authority (…部门是…的登记和管理机关);
# 由…办理 of an act named as the topic (执业登记，由…办理); an act in the body's own time frame
# (在审批…申请书的过程中, 进行监督检查时, fourth sample hard case 2). Since set 16, also with a
# partner (…部门会同见义勇为基金会…，作为见义勇为确认机构).
_IS_AUTHORITY = re.compile(
    r"(?:会同[^，。；]{0,24}?)?，?(?:是|为|作为)(?!了)[^，。；]{0,24}?((?:登记|审批|许可|发证|注册|核准|确认|认定|执法|监督管理)(?:和?管理)?(?:机关|部门|机构)|主管(?:部门|机关))"
    r"(?=[，。；（(]|$)"
    # …or named so for the rest of the text (…商务主管部门(以下称负责审批的商务主管部门); …承担市场
    # 主体登记工作的部门（以下称登记机关）).
    r"|[（(]以下(?:简)?称(?:负责)?[^）)，。；]{0,8}?(登记|审批|许可|发证|注册|核准)(?!备案)[^）)，。；]{0,10}?(?:机关|部门|机构)[）)]"
)
_ACT_TOPIC = re.compile(r"(?:登记|审批|许可|核准|注册|认定)(?:手续|事项|工作)?，$")
_OWN_FRAME = re.compile(
    r"(?:应当|依法)?(?:在|进行|组织)?(?:(?![自报])[^，。；]){0,8}?(审批|批准|核发|监督检查|检查|调查|划定|指定|查处|审查|审核)"
    r"[^，。；]{0,40}?(?:过程中|时)，"
)
_OTHER_APPROVER = re.compile(r"经(?:有关|相关)[^，。；]{0,8}?(?:部门|机关|机构)$")
_REVIEW_BEFORE = re.compile(_REVIEWS)
_FILING = re.compile(r"[^，。；]{0,8}?备案")
_EXEMPT = re.compile(r"(?:不|无需|无须|免于|免予)再?向[^，。；]{0,8}$")
_CONSULTS = re.compile(_CONSULT)
_COMPLAINT = re.compile(r"投诉|举报|信访|控告|检举")
# 决定由…行使…职责 allocates competence between bodies.
_ALLOCATES = re.compile(r"由[^，。；]{0,30}?(?:行使|承担|负责)")
# A definition (“许可证件”，指…由国家有关主管部门颁发的…; 前款所称…是指…) or a scope clause
# (在…区域…实施城市管理，适用本条例) assigns nothing (third sample, hard case 20).
# An item's own number: （一）, (3).
_ITEM_NUMBER = r"(?:[（(][一二三四五六七八九十\d]{1,3}[）)])?"
_DEFINITION = re.compile(
    rf"所称[^，。；]{{1,20}}?包括|(?:所称|^{_ITEM_NUMBER}[^，。；“”]{{1,12}}?，?(?=是指)|^{_ITEM_NUMBER}“[^”]{{1,30}}”[，,]?)(?:[^。；]{{0,40}}?[，,])?(?:是指|指)"
)
_SCOPE = re.compile(r"适用本(?:法|条例|办法|规定|细则)。?$")
# A 款 that introduces the items listing its duties (…应当履行下列职责：) carries none itself.
# So does one that only introduces its measures (有权采取下列措施：), and an item that closes a
# list of cases (…认定…的其他情形). An act the body's own time frame names still counts
# (在进行监督检查时，有权采取下列措施：): see assign_levels.
_LEAD_IN = re.compile(
    r"(?:履行|负责)(?:下列|以下)(?:职责|工作|事项)[：:]$|有权采取(?:下列|以下)措施[：:]$|的其他(?:情形|行为|事项)[。；]?$|"
    rf"^{_ITEM_NUMBER}其他[^，。；]*的(?:情形|行为|事项)[。；]?$"
)
# 加强对…的监督管理 is the general duty of 加强…管理 (fourth sample, row 97), not an act.
# The same for 做好…工作 (做好房屋征收与补偿的相关工作), except the 监督管理 it names.
_STRENGTHEN = re.compile(r"(?:加强|做好)[^，。；]*$")
# 有权 of another subject in a later clause (，公众有权查阅) is not the body's power.
_OWN_CLAUSE = re.compile(r"(?:并|可以|依法|均|也)?")

# 对…的实施，应当给予支持: an act word closing a 对…的 topic names the object, not the act.
# (A co-holder without a level may come first: 国务院有关部门和有关地方人民政府对…的实施，.)
_TOPIC_OBJECT = re.compile(r"(?:[和及与、][^，。；对]*?)?(?:应当|依法|可以|要)?对[^，。；]*的")
# A return of data or of a situation (数据、资料、情况) 申报ed to a body is a report, not an
# application: 农用非道路移动机械的…数据和资料由…农机管理主管部门…向县（市区）环境保护主管部门集中申报.
_DATA_RETURN = re.compile(r"数据|资料|报表|统计|情况|信息|计划")
_CLAUSE_END = re.compile(r"[，。；;：:]")

# The predicate ends at the sentence end or where 由 introduces a new actor (由其他部门处理, 由其
# 上级机关…责令改正 — but 由其 alone is the body itself: 由其负责).
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_NEW_ACTOR = re.compile(r"(?<![理自缘事对])由(?!于|此|其(?!他|上级|上一级))")  # 对由下级…负责…的经营者: an object
# An act followed by 由 names the topic of the clause, not what the body before it does
# (…公安机关人民警察录用考试，由省…负责组织) …
_TOPIC_AFTER = re.compile(r"(?:等)?(?:工作|事项|事务)?，(?:应当|统一|具体)?由(?!于|此)")
# … unless the body is its subject: a modal or a verb stands between them (…部门应当…审查，由…).
_VERBAL = re.compile(r"应|可以|须|依法|负责|予以|进行|对|经|已")
# A bare 负责 (负责组织) at the end of a clause is an act when the clause opens with the act as
# its topic: 渔业港口的管理工作由…负责; 专用间谍器材的确认，由…负责; …考试，由…负责组织.
_BARE_CHARGE = re.compile(r"(负责(?:组织(?:实施)?)?)(?:$|[，。；;])")
_TOPIC_BEFORE = re.compile(
    rf"(?:(?:{_ACT_WORDS}|管理)(?:等)?(?:工作|事项|事务)?|(?<!领导|协调|统筹|督促|督导|宣传|规划)(?:等)?工作)"
    rf"，?(?:应当|统一|具体)?由[^，。；]{{0,{_FILLER_MAX}}}$"
)
# 负责…工作 is a sector competence (负责本行政区域内文物保护工作, 负责有关水下文物保护工作) and
# counts as 负责…管理 — unless the work is leading, coordinating, planning or promoting, or is
# done on lower bodies (负责未成年人保护工作的组织、协调、指导、督促; 负责…的组织领导工作).
_CHARGED_WORK = re.compile(r"[^，。；]*工作$")
# 管理 a sector's work in the body's area (县级以上地方各级人民政府财政部门管理本行政区域内的会计工作)
# is a sector competence, like 主管…工作.
_SECTOR_WORK = re.compile(r"(?:本行政区域|本辖区|全国|全省|全市)(?:内)?的?[^，。；]{1,20}?工作(?=[，。；]|$)")
# …nor running the office of a command body or a commission (负责…应急指挥机构的日常工作).
_LEADING = re.compile(r"促进|下级|所属|联络|做好|日常工作")
# 对…负责 is accountability to a congress or a superior (国务院对全国人民代表大会负责); a 负责 of
# internal staff (明确相关内设机构或者专门人员，负责…) is no power of the body.
_ACCOUNTABLE = re.compile(r"对[^，。；]*$")
# The party a body signs a pledge or agreement with: a private one, the body itself organising
# nothing (…部门应当与保护管理责任人签订…; not 组织小区业主与供热企业签订).
_SIGNS_WITH_PARTY = re.compile(
    r"(?:(?!组织|协调)[^，。；])*与(?:其|[^，。；]{0,20}?(?:责任人|权人|使用人|使用者|养护人|监护人|单位|个人|经营者|商户|住户))"
    r"(?:等)?(?:分别)?(?:应当|可以)?$"
)
_INTERNAL_STAFF = re.compile(r"内设机构|专门人员|专人|工作人员|指定机构|(?:确定|指定|明确)[^，。；]{0,4}负责")
# Roles that still make 负责…工作 a sector competence: guidance and supervision of outside
# parties (负责…畜禽养殖废弃物综合利用的指导、服务工作).
_CHARGE_ROLES = frozenset({"指导", "监督"})
# 由…对其进行行政重组: an act named by a noun after 对…进行 is the act of the body that 由 names.
_DONE_ON = re.compile(r"(?:依法|负责|应当|可以)?对[^，。；]{1,30}?进行(?P<act>[^，。；：:]{2,8})(?=[，。；：:]|$)")
# 接受…的监督（检查、管理）, 服从…的统一指挥: the party that accepts is supervised or commanded by the body — unless it is a body
# itself (…部门负责…，并接受市…部门的指导、监督: supervision of bodies). 接受…的委托 is no oversight.
_OVERSIGHT = re.compile(
    r"[^，。；]{0,24}?的(?:(?!委托|捐赠)[^，。；的]){0,8}?(监督检查|监督管理|监督|检查|管理|审查|审计|指挥|调度|调动)"
)
_SUBJECT_END = re.compile(r"应当|必须|可以|依法|负责|，|接受")
_BODY_SUBJECT = re.compile(
    r"政府|部门|机关|(?:监管|管理|监督|监察|执法|登记|行政)机构|人民银行|办事处|特别行政区|(?<!居民|村民|业主)委员会"
)

# ======================================================================================
# §5 Who wrote the text.
# ======================================================================================
_CITY_TITLE = re.compile(rf"^(?:{_PREFECTURE_CITIES})市")
_PROVINCE_TITLE = re.compile(r"^(?:山东省|山东)")


def _issuer(issuing_level: str, title: str) -> str:
    """The level of the body that wrote the text; the title decides when the caller did not.

    It matters for a bare 市: in a Shandong text (provincial or a city's) 市人民政府 and
    市…部门 are the city's, municipal; in a national text 市人民政府 may be any city,
    county-level ones included, and names no level by itself (市、县人民政府 still gives the
    county, the lowest of the group). All other level words read the same for every issuer.
    """
    if issuing_level in ("provincial", "municipal"):
        return issuing_level
    if _CITY_TITLE.match(title):
        return "municipal"
    if _PROVINCE_TITLE.match(title):
        return "provincial"
    return "national"


# ======================================================================================
# §6 Reading a unit.
# ======================================================================================
@dataclass
class _Word:
    level: str | None  # None for 本级/同级 until resolved; "unknown" for a bare 市 in a national text
    start: int
    end: int  # end of the whole body phrase: level word, 人民政府, department


@dataclass
class _Group:
    words: list[_Word]
    role: str = "agent"  # from §2/§3: agent, to, source, object
    governed: bool = False  # introduced by 由/经/报…: 经国务院批准的 still names the approver
    marker: str = ""  # the word that introduces the group

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end

    def lowest(self) -> _Word | None:
        """The word of the lowest level: the level of the group's power."""
        leveled = [w for w in self.words if w.level in _RANK]
        return max(leveled, key=lambda w: _RANK[w.level or ""]) if leveled else None


def _sentence_start(text: str, pos: int) -> int:
    """Start of the sentence that contains ``pos``."""
    return max((m.end() for m in _SENTENCE_END.finditer(text, 0, pos)), default=0)


def _clause_end(text: str, pos: int, stop: int | None = None) -> int:
    """End of the comma clause that starts at or before ``pos`` (at most ``stop``)."""
    limit = len(text) if stop is None else stop
    m = _CLAUSE_END.search(text, pos, limit)
    return m.start() if m else limit


def _clause_start(text: str, pos: int) -> int:
    """Start of the comma clause that contains ``pos``."""
    i = pos
    while i > 0 and text[i - 1] not in "，。；;：:\n,":
        i -= 1
    return i


def _marker_before(text: str, clause: int, start: int) -> tuple[str | None, str]:
    """The kind and the word of the nearest marker (§3) before a group in its clause."""
    place = _PLACE_BEFORE.search(text, max(clause, start - 17), start)
    if place:
        start = place.start()
    last = None
    # Not cut at the group: a marker's lookahead reads past it (上报…批准 is no report).
    for m in _MARKER.finditer(text, max(clause, start - 40)):
        if m.start() >= start:
            break
        if m.end() <= start + 1:
            last = m
    if last is None or _OBTAINS.search(text, last.end(), start):
        return None, ""  # 依照本条例的规定取得…部门颁发的许可证: the rule ends before 取得
    if start - last.end() > _FILLER_MAX and not (
        last.lastgroup == "source" and _RULE_LIST.fullmatch(text, last.end(), start)
    ):
        return None, ""
    return last.lastgroup, last.group()


def _find_groups(text: str, issuer: str) -> list[_Group]:
    """§1–§3: the bodies of the unit, joined into groups, each with its role."""
    matches = list(_LEVEL_WORD.finditer(text))
    words: list[_Word] = []
    congresses: list[tuple[int, str]] = []  # 市人民代表大会…: not a body, but 本级 may refer to it
    military_end = -1  # end of the last military body: what lies inside it is its department
    for i, m in enumerate(matches):
        if words and m.start() < words[-1].end or m.start() < military_end:
            continue  # inside the department name of the previous body
        if m.lastgroup == "military":
            military_end = _MILITARY_TAIL.match(text, m.end()).end()
            continue
        if _NOT_GOVERNMENT_AFTER.match(text, m.end()):
            if m.lastgroup != "same":
                congresses.append((m.start(), m.lastgroup or ""))
            continue
        limit = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        tail = _BODY_TAIL.match(text, m.end(), limit)
        kind = m.lastgroup or ""
        level: str | None = None if kind == "same" else kind
        if kind == "municipal" and m.group() == "市" and issuer == "national":
            level = "unknown"  # see _issuer
        words.append(_Word(level, m.start(), tail.end() if tail else m.end()))

    groups: list[_Group] = []
    for w in words:
        if groups and _JOIN.fullmatch(text, groups[-1].end, w.start):
            groups[-1].words.append(w)
        else:
            groups.append(_Group([w]))

    circumstances = [(m.start(), m.end()) for m in _CIRCUMSTANCE.finditer(text)] if groups else []
    previous: str | None = None
    for g in groups:
        # 本级/同级: the level of the body (or congress) named before it in the unit.
        while congresses and congresses[0][0] < g.start:
            previous = congresses.pop(0)[1]
        for w in g.words:
            if w.level is None and previous:
                w.level = previous
        low = g.lowest()
        marker, g.marker = _marker_before(text, _clause_start(text, g.start), g.start)
        if g.marker == "到" and not _GOES_TO.match(text, g.end):
            marker, g.marker = None, ""
        # 本级 refers back to an actor, not to a body consulted on the way (…林业主管部门…，经征求
        # 国务院林业主管部门意见，报本级人民政府批准 is the province's government).
        if low and (previous is None or marker not in ("object", "source")):
            previous = low.level
        g.governed = marker == "agent"
        if marker in ("source", "to", "object", "overseen") and g.marker != "责成" and not (
            g.marker == "报送" and _REVIEWED_AFTER.match(text, g.end)
        ):
            g.role = marker  # 责成乡（镇）人民政府…实施强行制止, 报送…部门进行审核: the body acts
        if (
            _VIOLATOR_AFTER.match(text, g.end)
            or _COUNTED.search(text, _clause_start(text, g.start), g.end)  # 两个以上的县、…: places
            or not g.governed and _PERSON_AFTER.match(text, g.end)
            or _GRADE_AFTER.match(text, g.end)
            or _ORGAN_AFTER.match(text, g.end)
        ):
            g.role = "object"
        if (
            any(s <= g.start < e for s, e in circumstances)
            or _RULES_BEFORE.search(text, 0, g.start)
            or _DOCUMENT_AFTER.match(text, g.end)
        ):
            g.role = "source"  # …; 法律、行政法规和国务院…机构规定禁止…的人员: a source of rules
    return groups


def _scan_end(text: str, groups: list[_Group], gi: int) -> int:
    """Where the predicate of group ``gi`` ends: the sentence end, a new actor (由…), or the
    next group that is itself an actor. Groups that are the source of a rule or an object
    inside the predicate (依照国务院…规定, 会同同级…部门) are read through."""
    g = groups[gi]
    end_m = _SENTENCE_END.search(text, g.end)
    stop = end_m.start() if end_m else len(text)
    actor = _NEW_ACTOR.search(text, g.end, stop)
    if actor:
        stop = actor.start()
    for later in groups[gi + 1 :]:
        if later.start >= stop:
            break
        if later.role == "source" or (later.role == "object" and later.marker not in _PIVOT):
            continue
        return later.start
    return stop


def _rates_party(text: str, g: _Group, cue: re.Match, stop: int) -> bool:
    """Whether a rating act (考核, 评价…) of group ``g`` rates or examines third parties.

    Its object is named after 对 (对从业单位业务质量和信用进行评价), or just before the act
    (耕地质量等级评定), or after it (考核评价各级人民政府…) — not among the body's partners
    (会同农业部门组织开展…评定)."""
    left = max(g.end, text.rfind("，", 0, cue.start()) + 1)
    on = text.rfind("对", left, cue.start())
    before = text[on : cue.start()] if on >= 0 else text[max(left, cue.start() - 8) : cue.start()]
    after = text[cue.end() : _clause_end(text, cue.end(), stop)]
    if _RATED_BODY.search(before) or _RATED_BODY.search(after):
        return False
    if cue.group() in ("评价", "评定"):
        return not _NOT_PARTY.search(before + after[:6]) and bool(_RATED_PARTY.search(before))
    # 考核/考试: an examination passed (考核合格), of a party, or one 经/由 the body holds.
    return bool(_PASSED.match(after) or _RATED_PARTY.search(before) or g.governed)


def _determines_party(text: str, g: _Group, cue: re.Match, stop: int) -> bool:
    """Whether 确定 (cue) of group ``g`` decides a party or a site rather than a rule.

    What is fixed is the object after 确定 in its clause (确定重点排污单位; 确定的企业), or, when
    the clause ends there (…，由省级人民政府公安机关确定; 确定并向责任区域公示), the topic named
    before the body (配售民用枪支的企业，由…确定)."""
    if _OTHER_DECIDER.search(text, g.end, cue.start()) and text.startswith("的", cue.end()):
        return False  # 国家确定的…指标: another body decided it
    obj = text[cue.end() : _clause_end(text, cue.end(), stop)]
    if obj.startswith(("并发布", "并公布")):
        obj = obj[3:]  # 确定并发布野生动物重要栖息地名录: what is fixed is what is published
    if obj.startswith("的"):  # attributive: what is fixed is the noun it modifies
        obj = re.match(r"的(?:[^，。；的（(]{0,16}的)?[^，。；的（(]*", obj).group()
    if not obj or obj.startswith("并"):
        clause = _clause_start(text, g.start)
        if clause > 0 and text[clause - 1] == "，":
            clause = _clause_start(text, clause - 1)
        obj = text[clause : g.start]
        sentence = _sentence_start(text, g.start)
        first = _CLAUSE_END.search(text, sentence)
        topic = text[sentence : first.start() if first else g.start]
        topic = _NEW_ACTOR.split(topic, maxsplit=1)[0]  # 治安保卫重点单位由…提出: the topic ends at 由
        if _names_party(topic[-8:]):
            return True  # 制造民用枪支的企业，由…提出，由国务院公安部门确定
    if _RESTRICTED_SITE.search(obj):
        return True  # 确定限制或者禁止燃放烟花爆竹的时间、地点和种类: the sites, whatever else is fixed
    # The noun the phrase ends in decides (确定的…符合…条件的检测机构), else the whole phrase.
    return _names_party(obj[-8:]) or _names_party(obj)


def _names_party(span: str) -> bool:
    return bool(_DETERMINED.search(span)) and not _NOT_DETERMINED.search(span)


def _inquires(text: str, g: _Group, cue: re.Match, stop: int) -> bool:
    """Whether 调查 (cue) of group ``g`` inquires into an incident or a case (组织事故调查组进行
    调查; 对申请人的家庭状况…进行调查核实), not a survey (组织开展地质调查; 调查统计)."""
    near = text[max(g.end, cue.start() - 6) : cue.start()] + text[cue.end() : cue.end() + 2]
    if _SURVEY.search(near):
        return False
    return bool(_INCIDENT.search(text, g.end, _clause_end(text, cue.end(), stop)))


def _supervises_bodies(text: str, g: _Group, cue: re.Match) -> bool:
    """Whether the object (对…) of a supervision act is other bodies: 对所属有关部门和下级人民政府…
    进行监督检查."""
    if _OBJECT_BODY.match(text, cue.end()):
        return True  # 指导、检查有关部门做好…工作
    left = max(g.end, text.rfind("，", 0, cue.start()) + 1)
    on = text.rfind("对", left, cue.start())
    return on >= 0 and bool(_SUPERVISED_BODY.search(text, on, cue.start()))


def _warns(text: str, g: _Group, cue: re.Match, stop: int) -> bool:
    """Whether 发布 (cue) issues a warning: 发布相应级别的警报, or 预警信息由…发布 (the topic before
    由). Not 发布的…预警期间 (a time), nor 发布…旅游服务信息 with a warning among the items."""
    if text.startswith("的", cue.end()):
        return False
    warning = _WARNING.search(text, cue.end(), _clause_end(text, cue.end(), stop))
    if warning and warning.start() - cue.end() < 12:
        return True  # what is issued is a warning, not information with a warning among its items
    return g.marker == "由" and bool(_WARNING.search(text, _clause_start(text, g.start), g.start))


def _supervises_parties(text: str, g: _Group, cue: re.Match) -> bool:
    """Whether 监督 (cue) has outside parties as its object (依法对注册会计师、会计师事务所…进行监督):
    supervising them is 监督检查, supervising bodies is not, and 加强对…的监督 is a general duty
    (like 加强…管理)."""
    left = max(g.end, text.rfind("，", 0, cue.start()) + 1)
    on = text.rfind("对", left, cue.start())
    if on < 0 or _SUPERVISED_BODY.search(text, on, cue.start()) or text.endswith("加强", 0, on):
        return False
    return bool(_SUPERVISED_PARTY.search(text, on, cue.start()))


def _makes_rule(text: str, g: _Group, cue: re.Match, sentence: int) -> bool:
    """Whether approving or deciding (cue) of group ``g`` fixes a rule: the topic before the
    body (彩票资金构成比例由国务院决定; 具体范围和规模标准，由…制订，报国务院批准) or the object
    after the act (决定在该地方适用地方性法规; 可以决定对特定内容采用抽样调查的方法) is a rule noun."""
    if "，" not in text[sentence : g.start] or g.governed:
        # the body's own clause and the two before it (…的适用，由…规定，报国务院批准)
        clauses = _MASK.sub("", text[sentence : g.start]).split("，")
        topic = "，".join(clauses[:1] + clauses[-3:])  # the sentence's topic and the clauses before the body
        if _names_rule(topic):
            return True
    between = text[g.end : cue.start()]
    if between.startswith("对") and _names_rule(between):
        return True  # 对…调整公安机关编制的申请…审核
    end = _clause_end(text, cue.end())
    if end == cue.end() and g.marker.endswith("经") and text.startswith("，", end):
        end = _clause_end(text, end + 1)  # 经…批准，[what is approved]
    return _names_rule(text[cue.end() : end])


def _names_rule(span: str) -> bool:
    """A rule noun that is not a condition (符合…标准的, 按照…办法): 比例, 名录, 标准…"""
    return bool(_RULE_NOUN.search(span)) and not _CONDITION.search(span)


def _act_named_before(text: str, g: _Group) -> bool:
    """Whether the clause before the group's own names an act as its topic (执业登记，由…)."""
    own = _clause_start(text, g.start)
    return bool(own) and bool(_ACT_TOPIC.search(text, _clause_start(text, own - 1), own))


def _oversight(text: str, g: _Group) -> tuple[str, int] | None:
    """接受…的监督: the supervision word when the party that accepts it is not a body."""
    sentence = _sentence_start(text, g.start)
    end = _SUBJECT_END.search(text, sentence, g.start)
    if _BODY_SUBJECT.search(text, sentence, end.start() if end else g.start):
        return None
    m = _OVERSIGHT.match(text, g.end)
    return (m.group(1), m.end(1)) if m else None


def _charged_work(text: str, g: _Group, cue: re.Match, end: int) -> bool:
    """Whether the 负责 (cue) of group ``g``, whose clause ends at ``end``, is 负责…工作 in a
    sector — not leading, coordinating, planning or reporting it, nor accountability."""
    if not _CHARGED_WORK.fullmatch(text, cue.end(), end) or _LEADING.search(text, cue.end(), end):
        return False
    if _ACCOUNTABLE.search(text, _clause_start(text, cue.start()), cue.start()):
        return False
    if _INTERNAL_STAFF.search(text, g.end, cue.start()):
        return False
    cues = list(_CUE.finditer(text, cue.end(), end))
    if any(c.lastgroup in ("act", "manage", "determine", "inquiry") for c in cues):
        return False  # an act inside: the loop reads it
    return all(c.lastgroup != "role" or c.group() in _CHARGE_ROLES for c in cues)


def _predicate(text: str, groups: list[_Group], gi: int) -> tuple[str, int] | None:
    """§4: the act the group holds and the offset where it ends, or None."""
    g = groups[gi]
    if g.role == "overseen":
        return _oversight(text, g)
    named = _IS_AUTHORITY.match(text, g.end)
    if named:
        act = named.lastindex or 1
        return named.group(act), named.end(act)  # …部门是代表机构的登记和管理机关
    frame = _OWN_FRAME.match(text, g.end)
    if frame and g.role == "agent":
        cue = _CUE.match(text, frame.start(1))
        if cue and cue.lastgroup in ("act", "inquiry") and not (
            _DRAFT.search(frame.group())  # 在审批…条例草案时: law-making
            or cue.group() in _SUPERVISION and _SUPERVISED_BODY.search(text, cue.end(), frame.end())
        ):
            return cue.group(), cue.end()  # 在审批…的过程中, 进行监督检查时: the body's own act
    stop = _scan_end(text, groups, gi)
    masked = [(m.start(), m.end()) for m in _MASK.finditer(text, g.end, stop)]
    charge_end = -1  # end of the clause that a 负责 governs
    weak_ok = True  # whether a bare 实施 still counts as the act
    pos = g.end
    lead = _LEAD_CLAUSE.match(text, pos, stop)
    if lead:
        pos = lead.end()
    while pos < stop:
        c = _CUE.search(text, pos, stop)
        if not c:
            break
        pos = c.end()
        if any(s <= c.start() < e for s, e in masked) or text.endswith("被", 0, c.start()):
            continue  # masked, or passive (被检查、调查的单位, 被监督单位): not the body's act
        kind, word = c.lastgroup, c.group()
        if kind == "charge":
            if _STAFF_CHARGED.search(text, _clause_start(text, c.start()), c.end()):
                continue  # 确定其内设机构具体负责…管理工作: the body's own unit is charged
            comma = text.find("，", c.end(), stop)
            charge_end = comma if comma >= 0 else stop
            if g.role != "to" and _charged_work(text, g, c, charge_end):
                return word, c.end()  # 负责本行政区域内文物保护工作
            continue
        in_charge = c.start() < charge_end
        if in_charge and kind == "act" and "标准" in text[g.end : c.start()]:
            return None  # 负责强制性国家标准的…技术审查: work on a standard is rule-making

        if kind == "act" and word.endswith("补偿") and not _TAKEN.search(text):
            continue  # compensation for losses from a protection or a plan is funding
        if kind == "act" and word.endswith("听证") and (not _HEARD.search(text) or "价格" in text):
            continue  # a hearing on a price or on no named decision
        if kind == "act" and word in _RATING and not _rates_party(text, g, c, stop):
            continue  # rates bodies or nature, or names a system: not an act, look on
        if kind == "determine":
            kind = "act" if _determines_party(text, g, c, stop) else "role"
        if kind == "inquiry":
            if not _inquires(text, g, c, stop):
                continue  # a survey: look on
            kind = "act"

        if g.role == "to":
            # 向…申请/办理 makes the body the deciding authority; 向…备案/报告/投诉 does not,
            # nor does a body's data return (…数据和资料由…部门…向…部门集中申报).
            if word == "申报" and (
                _DATA_RETURN.search(text, _clause_start(text, g.start), g.start)
                or _DATA_RETURN.search(text, c.end(), _clause_end(text, c.end()))
            ):
                return None  # a return of data or a plan (申报下一年度的掘路计划) is a report
            if kind == "apply" and (word == "办理" and _FILING.match(text, c.end()) or _EXEMPT.search(text, _clause_start(text, g.start), g.start)):
                return None  # 向…办理…备案手续; 可以不向…申报
            if kind == "apply" and _REVIEW_BEFORE.search(text, _clause_start(text, c.start()), c.start()):
                return None  # 向…提出再次鉴定申请: a review
            if kind == "apply" and not (word == "申请" and _REVIEW_AFTER.match(text, c.end())):
                return word, c.end()
            if word.startswith("提交"):
                if text.startswith("的", c.end()):
                    return None  # 向…提交的…文件: what was submitted, no act of the body
                continue  # 向…提交下列文件，申请…许可证: look on for the application
            if kind in ("role", "complain") and word != "提出":
                return None
            continue
        if kind == "apply" and word == "办理" and g.marker == "由" and _act_named_before(text, g):
            return word, c.end()  # 医疗机构的执业登记，由…部门办理
        if kind in ("complain", "apply"):
            continue  # context (接到举报后; 对出境申请…作出决定), not the body's act
        if kind == "command":
            if in_charge:
                return word, c.end()  # 负责…的组织、协调和指挥
            continue
        if kind == "manage":
            if in_charge or g.marker == "由" and _CLAUSE_END.match(text, c.end()):
                return word, c.end()  # 负责…管理; 全国综合性运动会由国务院体育行政部门管理。
            if c.start() == g.end and _SECTOR_WORK.match(text, c.end()):
                return word, c.end()  # …财政部门管理本行政区域内的会计工作: a sector competence, like 主管
            continue
        if kind == "execute":
            if (
                g.marker == "由"
                and _CLAUSE_END.match(text, c.end())
                and not _EXECUTED_BY_OTHERS.search(text, g.end, c.start())
                and not _APPLIED_RULES.search(text, _clause_start(text, _clause_start(text, g.start) - 1), g.start)
            ):
                return word, c.end()  # 其他交通设施的防护，由其所在地县级以上人民政府按照有关规定执行。
            continue
        if kind == "role" and word == "发布" and _warns(text, g, c, stop):
            kind = "act"  # 发布…预警信息, 预警信息由…发布: warning the public is the emergency power itself
        if kind == "role" and word == "监督" and _supervises_parties(text, g, c):
            kind = "act"  # 对…会计师事务所…进行监督
        if kind == "role":
            if in_charge:
                continue  # 负责…的指导和监督检查: look on for the act
            nxt = _CUE.search(text, c.end(), stop)
            if nxt and nxt.lastgroup == "act" and (
                _LIST_JOIN.fullmatch(text, c.end(), nxt.start())
                or word in _JOINED_ROLE and nxt.start() == c.end() and (word != "研究" or _APPROVAL.fullmatch(nxt.group()))
            ):
                continue
            restart = _RESTART.match(text, c.end(), stop)
            if restart:
                weak_ok = weak_ok and not restart.group("on")
                pos = restart.end()
                continue
            return None

        # An act.
        if not weak_ok and word in ("实施", "组织实施"):
            continue
        if _OTHER_APPROVER.search(text, g.end, c.start()):
            continue  # …经有关部门验收合格: another, unnamed body acts
        if text.endswith("经", 0, c.start()) and c.start() - 1 > g.end and "，" in text[g.end : c.start()]:
            continue  # …，未经批准不得改变: an unnamed body approves, not the subject of the clause before
        comma = text.rfind("，", g.end, c.start())
        if comma >= 0 and _OWN_SUBJECT.fullmatch(text, comma + 1, c.start()):
            return None  # …统一制作，审批机关核发…: the later clause names its own actor
        between = text[g.end : c.start()]
        if _DELEGATED.search(between) and not (_DELEGATES.match(between) and "或" in text[g.start : g.end]):
            return None  # 授权…政府, 委托…的组织实施: the delegate acts (not 由国务院或者国务院授权有关部门…: either)
        duty = _STRENGTHEN.search(re.sub(r"《[^》]*》", "", between))
        if duty and (duty.group().startswith("加强") or word != "监督管理"):
            continue  # 加强对…的监督检查, 做好…征收…工作: a general duty, look on
        sentence = _sentence_start(text, c.start())
        if _DRAFT.search(text, sentence, _clause_end(text, c.end())):
            return None  # 草案…审批, 审核…预算草案: law-making
        if word in _VETTING and _PUBLISHED.match(text, c.end()):
            return None  # 旱情由…统一审核、发布, 普查数据…审定并会同…公布: vetting information for publication
        if word == "同意" and _FORWARD_AFTER.match(text, c.end()):
            return None  # 经省人民政府同意后，报国务院审批: the province forwards
        if word in _RULE_ACTS and _makes_rule(text, g, c, sentence):
            return None  # 比例由国务院决定; 标准…报国务院批准: making a rule
        if word == "同意" and _CONSULTS.search(between):
            continue  # 商同级…部门同意: the consulted body agrees, the subject only consults
        if word in ("处理", "受理", "核实", "查办") and _COMPLAINT.search(text, sentence, c.start()):
            return None  # 投诉由…部门处理: handling complaints (rulebook: 受理…投诉)
        if word == "决定" and _ALLOCATES.match(text, c.end()):
            return None  # 决定由公路管理机构…行使…职责: allocating competence
        if _FORBIDDEN.search(between) and not g.governed:
            return None  # …不得组织实施: a prohibition
        if _HANDED_ON.search(between, between.rfind("，") + 1):
            return None  # 由县级以上地方人民政府报上一级…批准; …移送司法机关处理: the act is the addressee's
        if _TOPIC_OBJECT.fullmatch(between) and text.startswith("，", c.end()) and not _CUE.search(between):
            continue  # the topic 对…的实施， is what the body supports, not its act
        if not g.governed and len(between) > 1 and _TOPIC_AFTER.match(text, c.end()) and not _VERBAL.search(between):
            continue  # …公安机关人民警察录用考试，由省…负责组织: the act belongs to the body after 由
        if word == "有权":
            comma = text.rfind("，", g.end, c.start())
            if comma >= 0 and not _OWN_CLAUSE.fullmatch(text, comma + 1, c.start()):
                continue
        if word == "验收" and _ACCEPTED_THEN_APPROVED.match(text, c.end()):
            return None  # the province inspects, the State Council approves
        if word in _PREPARE and _FORWARD_AFTER.match(text, c.end()) and not _FILED_AFTER.match(text, c.end()):
            return None  # forwards the file: 由甲审核后报乙批准 (not 进行审核，并报…备案: the review decides)
        if (
            not g.governed
            and _APPROVAL.fullmatch(word)
            and _ATTRIBUTIVE.match(text, c.end())
            and not (word in _ISSUE and _LICENCE_AFTER.match(text, c.end()))
            and not _APPROVED_PARTY.match(text, c.end())
        ):
            if in_charge:
                continue  # 负责由其审批发证的…转让的审批: the act is further on
            return None  # attributive: 县级以上人民政府颁发的工作证件 (but 发放的许可证 counts)
        if word == "签订" and not _SIGNS_WITH_PARTY.match(between, between.rfind("，") + 1):
            continue  # 与下一级人民政府签订…责任书, 组织…与…签订: not a pledge taken from a party
        if word in _SUPERVISION and _supervises_bodies(text, g, c):
            continue  # supervises other bodies: not an act, look on
        if word in _ISSUE and _AWARD.match(text, c.end()) or _SETS_UP.search(between) or _STAFF_CHARGED.search(between):
            return None
        return word, c.end()

    if charge_end >= 0:
        # A bare 负责 (负责组织) whose act is the topic of the clause: …的管理工作由…负责;
        # …录用考试，由省…公务员主管部门负责组织.
        at = text.find("负责", g.end, stop)
        bare = _BARE_CHARGE.match(text, at) if at >= 0 else None
        if bare and g.governed and _TOPIC_BEFORE.search(text, max(0, g.start - 40), g.start):
            return bare.group(1), bare.end(1)
    if g.marker == "由":
        done = _DONE_ON.match(text, g.end, stop)
        if done and not _CUE.search(done.group("act")):
            return done.group("act"), done.end("act")  # 由国务院…机构对其进行行政重组
    return None



# One competence split by area: the higher body over the whole country, province or city (全国,
# 全省, 全市), the lower over its own area (本行政区域, 本辖区).
_WHOLE_AREA = re.compile(r"全国|全省|全市")
# The words of a general competence: 市…部门主管全市…工作；区…部门负责本辖区…工作 is one competence.
_COMPETENCE = frozenset({"主管", "负责", "管理", "监督管理"})
_OWN_AREA = re.compile(r"本行政区域|本辖区")
# The closing article on the text itself (本条例由国务院农业行政主管部门负责解释，并组织实施):
# interpreting and implementing the text is no power over the public (rulebook: 组织实施本条例).
_OWN_TEXT = re.compile(r"^本(?:法|条例|办法|规定|细则|实施细则|决定)(?:由|经[^，。；]{0,20}?批准)")


# Some local texts separate clauses with half-width commas and semicolons (制定…调度计划,实施水量统一调度):
# read them as clause ends, but not a comma inside a number (1,000).
_HALF_WIDTH = re.compile(r"(?<!\d),|,(?!\d)|;")


def full_width_stops(text: str) -> str:
    """Half-width , and ; (not a digit group's comma) as ，and ；, one for one, so that
    offsets into the result are offsets into ``text``."""
    return _HALF_WIDTH.sub(lambda m: "，" if m.group() == "," else "；", text)


@dataclass(frozen=True)
class Body:
    level: str | None  # one of LEVELS; None where the text fixes none (本级 with nothing before it, a bare 市 in a national text)
    start: int
    end: int  # end of the whole body phrase: level word, 人民政府, department
    group: int  # bodies joined into one group (市、县（市、区）人民政府) share it


def bodies(text: str, *, issuing_level: str = "national", title: str = "") -> list[Body]:
    """Every government body of a named level in ``text`` (§1), in order, read as
    :func:`assign_levels` reads them, whatever role it plays. Offsets are into ``text``."""
    if not _PREFILTER.search(text):
        return []
    text = full_width_stops(text)
    return [Body(w.level if w.level in _RANK else None, w.start, w.end, gi)
            for gi, g in enumerate(_find_groups(text, _issuer(issuing_level, title))) for w in g.words]


# --- Roles (§7): who receives a filing or a notice, publishes, hears a re-appraisal -------------------
#
# The rulebook does not count these as holding a power (§4), and rightly so for a paragraph read on its
# own. But an item whose act *is* the filing, the notice, the publication or the re-appraisal (新兽药临床
# 试验备案, 特种设备施工告知, …名单公布, 劳动能力再次鉴定) is exercised by exactly that body: its level is
# what fixes who may exercise the item (a legal review found 11 of 17 such items called devolvable).
# These readings are kept apart from the assignments, and the devolution analysis uses them only for an
# item whose name says it is that act (:data:`ROLE_OF_ITEM`).

#: role → the act words that name it in an item's name and in the evidence.
ROLES = {"filing": "备案", "notice": "告知", "publication": "公布", "reappraisal": "再鉴定"}
#: An item named for one of the roles: …备案, …告知, …公布/公告, …再鉴定/再次鉴定 (a bracketed note may follow).
ROLE_OF_ITEM = re.compile(r"(?:(?P<filing>备案)|(?P<notice>告知)|(?P<publication>公布|公告)|(?P<reappraisal>再次鉴定|再鉴定|重新鉴定))"
                          r"(?:[（(][^）)]*[）)])?$")
_ROLE_AFTER = {
    # 向/报…部门备案, also 备案后即可… (not 备案的, a filed thing)
    "filing": re.compile(r"[^，。；]{0,40}?(?<!不)(?:备案|登记备案)(?!的)"),
    # 向…部门提出再次鉴定申请, 向…部门申请再鉴定
    "reappraisal": re.compile(r"[^，。；]{0,24}?(?:提出|申请)[^，。；]{0,4}?(?:再次鉴定|再鉴定|重新鉴定)"),
    # …部门应当定期向社会公布…; 由…部门公告; …部门应当建立…网络，…，对…进行动态监测，并定期公告… — the
    # body's own later clauses of the sentence, up to the next body (not 公布的, published by another rule)
    "publication": re.compile(r"[^。；]{0,80}?(?:向社会)?(?:公布|公告)(?![的为])"),
}
_ROLE_WORD = re.compile(r"备案|告知|公布|公告|鉴定")  # cheap: most units name no role
_NOTICE_BEFORE = re.compile(r"告知(?:直辖市或者)?$")  # 书面告知直辖市或者设区的市级…部门
_DELEGATE_JOIN = re.compile(r"(?:或者?|和)?其?(?:委托|授权)的")


@dataclass(frozen=True)
class RoleReading:
    """A body of a level named in a role (:data:`ROLES`): receives a filing or a notice, publishes,
    hears a re-appraisal. ``evidence`` runs from the body to the role word."""

    level: str
    role: str
    evidence: str
    start: int


def role_readings(text: str, *, issuing_level: str = "national", title: str = "") -> list[RoleReading]:
    """The bodies ``text`` names in a role (§7), with the level of each: the principal body of a group
    (…部门或者其委托的…: the entrusting body; the entrusted one acts in its name)."""
    if not _ROLE_WORD.search(text) or not _PREFILTER.search(text) or _SCOPE.search(text) or _OWN_TEXT.match(text):
        return []
    source, text = text, full_width_stops(text)
    out: dict[tuple[str, str, str], RoleReading] = {}
    groups = _find_groups(text, _issuer(issuing_level, title))
    for gi, g in enumerate(groups):
        if g.role in ("source",):
            continue
        upto = groups[gi + 1].start if gi + 1 < len(groups) else len(text)  # a role word past the next body is its
        words = [g.words[0]] + [w for prev, w in zip(g.words, g.words[1:], strict=False)
                                if not _DELEGATE_JOIN.search(text, prev.end, w.start)]
        leveled = [w for w in words if w.level in _RANK]
        if not leveled:
            continue
        low = max(leveled, key=lambda w: _RANK[w.level or ""])
        found: tuple[str, int] | None = None
        if g.role == "to" or g.marker in ("报", "报送", "向"):
            for role in ("filing", "reappraisal"):
                m = _ROLE_AFTER[role].match(text, g.end, upto)
                if m:
                    found = role, m.end()
                    break
        if found is None and (g.role == "agent" or g.marker == "由"):
            m = _ROLE_AFTER["publication"].match(text, g.end, upto)
            if m:
                found = "publication", m.end()
        if found is None and _NOTICE_BEFORE.search(text, _clause_start(text, g.start), g.start):
            found = "notice", g.end
        if found is None or "指定的" in text[low.start : g.end + 3]:
            continue  # …公安机关指定的受理机关: the body named is another, of a level not said
        role, end = found
        start = text.rfind("告知", 0, g.start) if role == "notice" else low.start
        reading = RoleReading(low.level or "", role, source[start:end], start)
        out.setdefault((reading.level, role, reading.evidence), reading)
    return sorted(out.values(), key=lambda r: (r.start, _RANK[r.level]))


def _clause_of(text: str, a: Assignment) -> str:
    """The assignment's text up to the end of its clause."""
    return text[a.start : _clause_end(text, a.start + len(a.evidence))]


# A body that organises another body to act holds the act too (县级人民政府应当组织有关部门和乡(镇)
# 人民政府…逐户进行登记; set 17 row 372, like 责成).
_ORGANISES = re.compile(r"(?:应当|负责|可以|依法)?组织(?:有关部门|相关部门)?[和、及与]?")


def assign_levels(text: str, *, issuing_level: str = "national", title: str = "") -> list[Assignment]:
    """The levels to which ``text`` (one 款 or 项) gives a power, with evidence.

    issuing_level/title tell who wrote the text: in a Shandong provincial regulation 省人民政府
    is provincial and 市、县（市、区）人民政府 bodies are municipal/county; in a city
    regulation (title starts with 济南市/青岛市…) 市人民政府 and 市…主管部门 are municipal,
    区（市）、县人民政府 county.

    Returns one Assignment per (level, evidence), sorted by start. A group of bodies holding
    one power (市、县（市、区）人民政府批准) gives one assignment at its lowest level, whose
    evidence runs from that body to the act.
    """
    if not _PREFILTER.search(text) or _SCOPE.search(text) or _OWN_TEXT.match(text):
        return []
    source = text  # evidence is quoted from the text as written
    text = full_width_stops(text)
    lead_in = _LEAD_IN.search(text)
    lead_in_clause = _clause_start(text, lead_in.start()) if lead_in else len(text)
    groups = _find_groups(text, _issuer(issuing_level, title))
    definition = _DEFINITION.search(text)
    # A definition runs to its full stop (its clauses are often split by ；), or to the end of
    # the unit when it introduces a list (（一）身份证明是指：1. …).
    definition_end = text.find("。", definition.end()) if definition else -1
    if definition and text.startswith(("：", ":"), definition.end()):
        definition_end = len(text)
    found: list[tuple[_Group, Assignment]] = []
    for gi, g in enumerate(groups):
        low = g.lowest()
        if low is None or low.level is None or g.role in ("source", "object"):
            continue
        if definition and definition.start() < g.start < (definition_end if definition_end >= 0 else len(text)):
            continue  # inside a definition (not in the sentences after it)
        sentence = _sentence_start(text, g.start)
        if any(sentence <= v.start and v.end <= g.end and _BODY_VIOLATOR.match(text, v.end) for v in groups):
            continue  # sanctions a government body that broke a duty: supervision of bodies
        pred = _predicate(text, groups, gi)
        if not pred and gi + 1 < len(groups) and _ORGANISES.fullmatch(text, g.end, groups[gi + 1].start):
            # 县级人民政府应当组织…乡(镇)人民政府(含街道办事处…)…进行登记: the organiser acts too
            end = _SENTENCE_END.search(text, g.end)
            organised = (h for h in range(gi + 1, len(groups)) if not end or groups[h].start < end.start())
            pred = next(filter(None, (_predicate(text, groups, h) for h in organised)), None)
        if not pred:
            continue
        act, act_end = pred
        if act_end > lead_in_clause:
            continue  # the act is in the lead-in clause: its items carry it
        found.append((g, Assignment(low.level, source[low.start : act_end], act, low.start)))
    # 向甲申请…报乙批准: when the unit names an approving body after the one that receives the
    # application, the receiver only forwards the file (the approving body counts, not the
    # one that forwards).
    approvals = [a.start for g, a in found if g.governed and _APPROVAL.fullmatch(a.act)]
    out: dict[tuple[str, str], Assignment] = {}
    for g, a in found:
        if g.role == "to" and any(start > a.start for start in approvals):
            continue
        if _WHOLE_AREA.search(_clause_of(text, a)) and any(
            (b.act == a.act or {a.act, b.act} <= _COMPETENCE) and _RANK[b.level] > _RANK[a.level] and _OWN_AREA.search(_clause_of(text, b)) for _, b in found
        ):
            continue  # 国务院…负责全国…；县级以上地方…负责本行政区域…: one competence, split by area
        out.setdefault((a.level, a.evidence), a)
    return sorted(out.values(), key=lambda a: (a.start, _RANK[a.level]))
