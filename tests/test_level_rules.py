"""Table tests for the level extractor (quanze/level.py), one row per rule of
docs/level-rules.md, on real phrases of the corpus (source cited in each row), plus the
precision/recall of the extractor on the hand-labelled development set."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.level import LEVELS, Assignment, assign_levels

LAWS = Path("/work/shared/laws")
DEV = Path(__file__).parent / "fixtures" / "level_dev.csv"

N, P, M, C, T = LEVELS  # national, provincial, municipal, county, township

# (rule, text, issuing_level, title, expected levels)
CASES: list[tuple[str, str, str, str, set[str]]] = [
    # --- national bodies -------------------------------------------------------------
    # 公路法 第八条: 国务院…主管部门 with 主管 (负责…管理).
    ("国务院主管部门", "国务院交通主管部门主管全国公路工作。", "national", "", {N}),
    # 期货和衍生品法 第七十四条第二款: 经国务院…机构批准.
    ("经国务院机构批准",
     "期货经营机构有前款所列情形，经国务院期货监督管理机构批准，可以对该期货经营机构直接负责的董事、"
     "监事、高级管理人员和其他直接责任人员采取以下措施：", "national", "", {N}),
    # 土地管理法 第四十四条第二款: 由国务院批准.
    ("由国务院批准", "永久基本农田转为建设用地的，由国务院批准。", "national", "", {N}),
    # 专利法实施细则(2023) 第一百四十三条: 作出…决定.
    ("作出决定",
     "外观设计国际申请经国务院专利行政部门审查后没有发现驳回理由的，由国务院专利行政部门作出给予保护的决定，"
     "通知国际局。", "national", "", {N}),
    # --- provincial ------------------------------------------------------------------
    # 外国律师事务所驻华代表机构管理条例 第三十条: 省、自治区、直辖市人民政府…部门.
    ("省、自治区、直辖市人民政府部门",
     "由省、自治区、直辖市人民政府司法行政部门予以取缔，没收违法所得，并处5万元以上30万元以下的罚款。",
     "national", "", {P}),
    # 湿地保护法 第五十八条: 省级以上 names the province as the lowest level.
    ("省级以上",
     "违反本法规定，未编制修复方案修复湿地或者未按照修复方案修复湿地，造成湿地破坏的，由省级以上人民政府"
     "林业草原主管部门责令改正，处十万元以上一百万元以下罚款。", "national", "", {P}),
    # 山东省司法鉴定条例 第五十五条: Shandong 省人民政府…部门.
    ("山东 省人民政府部门", "违反本条例，司法鉴定人有下列行为之一的，由省人民政府司法行政部门吊销其《司法鉴定人执业证》：",
     "provincial", "山东省司法鉴定条例", {P}),
    # 山东省森林和野生动物类型自然保护区管理办法 第三条: 省…主管部门 without 人民政府; 设区的市、县
    # （市、区） together give the lowest, the county.
    ("山东 省主管部门",
     "省林业行政主管部门主管全省的自然保护区工作。设区的市、县（市、区）林业行政主管部门主管本辖区的自然保护区工作。",
     "provincial", "山东省森林和野生动物类型自然保护区管理办法", {P, C}),
    # 上海航运交易所管理规定 第六条第三款: a municipality under the central government is provincial.
    ("直辖市", "理事由理事长提名，上海市人民政府批准。", "national", "", {P}),
    # --- municipal -------------------------------------------------------------------
    # 危险废物经营许可证管理办法 第七条第二款: 设区的市级人民政府.
    ("设区的市级人民政府",
     "医疗废物集中处置单位的危险废物经营许可证，由医疗废物集中处置设施所在地设区的市级人民政府环境保护主管部门审批颁发。",
     "national", "", {M}),
    # 职业病防治法 第五十二条第二款: 设区的市级以上地方人民政府.
    ("设区的市级以上",
     "职业病诊断争议由设区的市级以上地方人民政府卫生行政部门根据当事人的申请，组织职业病诊断鉴定委员会进行鉴定。",
     "national", "", {M}),
    # 青岛市职业教育条例 第九条第二款: in a city's own regulation 市人民政府, 市…部门.
    ("城市 市人民政府", "举办公办中等职业学校由市人民政府批准；申请举办（筹设）民办中等职业学校的，由市教育部门审批。",
     "municipal", "青岛市职业教育条例", {M}),
    # 济南市城市建筑垃圾管理条例 第五条第一款: 市…局 and 区…局.
    ("城市 市局与区局", "市城市管理局负责建筑垃圾处置的统一监督管理工作；区城市管理局依照职责分工具体负责本辖区建筑垃圾监督管理工作。",
     "municipal", "济南市城市建筑垃圾管理条例", {M, C}),
    # --- county ----------------------------------------------------------------------
    # 农业转基因生物安全管理条例 第四条第二款: 县级以上地方各级人民政府…部门负责…监督管理.
    ("县级以上地方人民政府部门",
     "县级以上地方各级人民政府农业行政主管部门负责本行政区域内的农业转基因生物安全的监督管理工作。",
     "national", "", {C}),
    # 青岛市饮用水水源保护条例 第二十三条第二款: 区（市）人民政府 in a city regulation.
    ("城市 区（市）人民政府", "饮用水水源一级保护区内已建成的与供水设施和保护水源无关的建设项目，由区（市）人民政府责令拆除或者关闭。",
     "municipal", "青岛市饮用水水源保护条例", {C}),
    # 烟台市森林防火条例 第二十二条: 市、县（市、区） is one holder; its lowest level counts.
    ("市、县（市、区）取最低",
     "森林高火险期内，进入森林高火险区的，应当经市、县（市、区）人民政府批准，严格按照批准的时间、地点、范围活动。",
     "municipal", "烟台市森林防火条例", {C}),
    # 建筑法 第七条: 向…申请 makes the receiving body the licensing authority; 国务院…确定的限额 sets a rule.
    ("向部门申请",
     "建筑工程开工前，建设单位应当按照国家有关规定向工程所在地县级以上人民政府建设行政主管部门申请领取施工许可证；"
     "但是，国务院建设行政主管部门确定的限额以下的小型工程除外。", "national", "", {C}),
    # 港口法 第六十条: …的管理工作由…负责 (负责 governs the act named before it).
    ("由…负责 管理工作",
     "渔业港口的管理工作由县级以上人民政府渔业行政主管部门负责。具体管理办法由国务院规定。", "national", "", {C}),
    # --- township --------------------------------------------------------------------
    # 农村五保供养工作条例 第二十四条: 乡、民族乡、镇人民政府.
    ("乡、民族乡、镇",
     "违反本条例规定，村民委员会或者农村五保供养服务机构对农村五保供养对象提供的供养服务不符合要求的，"
     "由乡、民族乡、镇人民政府责令限期改正。", "national", "", {T}),
    # 菏泽市物业管理条例 第十一条第四款: 街道办事处或者乡镇人民政府.
    ("街道办事处", "不按时移交的，由街道办事处或者乡镇人民政府责令交回；拒不移交的，可以提请公安机关协助移交。",
     "municipal", "菏泽市物业管理条例", {T}),
    # --- chains, several acts, 本级 ------------------------------------------------------
    # 乡村集体所有制企业条例 第十四条: 审核后报…批准 — the forwarder does not count.
    ("审核后报批准",
     "设立企业必须依照法律、法规，经乡级人民政府审核后，报请县级人民政府乡镇企业主管部门以及法律、法规规定的"
     "有关部门批准，持有关批准文件向企业所在地工商行政管理机关办理登记。", "national", "", {C}),
    # 中国公民出国旅游管理办法 第四条: 向…申请 and then 报…批准 — the receiver only forwards.
    ("申请后报批准",
     "申请经营出国旅游业务的旅行社，应当向省、自治区、直辖市旅游行政部门提出申请。省、自治区、直辖市旅游行政部门"
     "应当自受理申请之日起30个工作日内，依据本办法第三条规定的条件对申请审查完毕，经审查同意的，报国务院旅游行政部门"
     "批准；经审查不同意的，应当书面通知申请人并说明理由。", "national", "", {N}),
    # 药品管理法实施条例 第四十一条第二款: several acts, and 报…备案 is not one of them.
    ("多个行为",
     "药品批准文号的再注册由省、自治区、直辖市人民政府药品监督管理部门审批，并报国务院药品监督管理部门备案；"
     "《进口药品注册证》、《医药产品注册证》的再注册由国务院药品监督管理部门审批。", "national", "", {N, P}),
    # 防治陆源污染物污染损害海洋环境管理条例 第十条: 报同级人民政府 takes the level of the body before it.
    ("同级人民政府",
     "由省、自治区、直辖市人民政府的环境保护行政主管部门提出意见，报同级人民政府决定。市、县或者市、县以下人民政府"
     "管辖的企业事业单位的限期治理，由市、县人民政府环境保护行政主管部门提出意见，报同级人民政府决定。",
     "national", "", {P, C}),
    # --- a higher body in another role ------------------------------------------------
    # 消防法 第二十四条第二款: sets a catalogue (制定并公布).
    ("制定目录", "实行强制性产品认证的消防产品目录，由国务院产品质量监督部门会同国务院应急管理部门制定并公布。",
     "national", "", set()),
    # 农产品质量安全法(2018) 第二十八条: 具体办法由…制定.
    ("制定办法", "具体办法由国务院农业行政主管部门制定。", "national", "", set()),
    # 期货和衍生品法 第一百二十一条: receives a filing.
    ("备案", "境外期货交易场所在境内设立代表机构的，应当向国务院期货监督管理机构备案。", "national", "", set()),
    # 山东省土壤污染防治条例 第五十四条: 报…备案 after 制定…方案.
    ("报备案",
     "土壤污染责任人应当按照国家和省有关规定以及土壤污染风险评估报告的要求，制定风险管控方案，报设区的市人民政府"
     "生态环境主管部门备案并组织实施。", "provincial", "山东省土壤污染防治条例", set()),
    # 行政复议法(2023) 第二十六条: hears a reconsideration; 国务院部门 as author of a 复议决定.
    ("复议",
     "对省、自治区、直辖市人民政府依照本法第二十四条第二款的规定、国务院部门依照本法第二十五条第一项的规定作出的"
     "行政复议决定不服的，可以向人民法院提起行政诉讼；也可以向国务院申请裁决，国务院依照本法的规定作出最终裁决。",
     "national", "", set()),
    # 山东省国有土地上房屋征收与补偿条例 第六条第二款: 指导.
    ("指导", "省住房城乡建设主管部门应当会同发展改革、财政、自然资源等有关部门，加强对本省房屋征收与补偿工作的指导。",
     "provincial", "山东省国有土地上房屋征收与补偿条例", set()),
    # 山东省清洁生产促进条例 第四十二条: 监督 (of others), 公布.
    ("监督",
     "省生态环境行政主管部门应当加强对企业污染物排放的监督，依据企业污染物排放情况，定期公布污染物超标排放或者"
     "污染物排放总量超过规定限额的企业名单，方便公众监督。", "provincial", "山东省清洁生产促进条例", set()),
    # 生产安全事故报告和调查处理条例 第十条第一款第二项: receives a report.
    ("报告", "(二)较大事故逐级上报至省、自治区、直辖市人民政府安全生产监督管理部门和负有安全生产监督管理职责的有关部门；",
     "national", "", set()),
    # --- 国家 is not a body; 依照国务院…规定 is a source of a rule ------------------------------
    # 噪声污染防治法 第十条第三款: 国家鼓励.
    ("国家鼓励", "国家鼓励基层群众性自治组织、社会组织、公共场所管理者、业主委员会、物业服务人、志愿者等开展噪声污染防治"
     "法律法规和知识的宣传。", "national", "", set()),
    # 山东省节约用水条例 第三十一条: 国家标准.
    ("国家标准", "公共供水单位应当采用先进制水技术，加强对供水设施的维护、改造，确保管网漏损率符合国家标准；"
     "超过国家标准的部分不得计入供水定价成本。", "provincial", "山东省节约用水条例", set()),
    # 药品管理法实施条例 第五十二条: 按照国务院…的规定.
    ("依照国务院规定",
     "药品抽样必须由两名以上药品监督检查人员实施，并按照国务院药品监督管理部门的规定进行抽样；被抽检方应当提供"
     "抽检样品，不得拒绝。", "national", "", set()),
    # --- general duties ---------------------------------------------------------------
    # 烟台市海岸带保护条例 第四条: 统一领导, 纳入规划, 经费.
    ("统一领导 纳入规划",
     "市、沿海县(市、区)人民政府应当加强对海岸带保护工作的统一领导，将海岸带保护纳入国民经济和社会发展规划及年度"
     "计划，建立海岸带综合管理的协调机制，解决海岸带保护工作中的重大问题，所需经费纳入本级财政预算。",
     "municipal", "烟台市海岸带保护条例", set()),
    # 青岛市禁止焚烧抛撒丧葬祭奠物品规定 第四条第二款: 鼓励和支持.
    ("鼓励支持", "市、区（市）人民政府应当采取措施，鼓励和支持海葬、树葬等节地生态安葬以及相关纪念设施建设，"
     "积极推进殡葬移风易俗。", "municipal", "青岛市禁止焚烧抛撒丧葬祭奠物品规定", set()),
    # 学前教育法 第六十二条: funds.
    ("经费统筹", "国务院和省级人民政府统筹安排学前教育资金，重点扶持农村地区、革命老区、民族地区、边疆地区和欠发达地区"
     "发展学前教育。", "national", "", set()),
    # 德州市文物保护条例 第五条: 负责…工作 without 管理 is a general responsibility.
    ("负责工作 非管理",
     "市、县（市、区）人民政府负责本行政区域内文物保护工作，应当将文物保护事业纳入国民经济和社会发展规划，"
     "加强文物管理机构和队伍建设。", "municipal", "德州市文物保护条例", set()),
    # --- not an actor ---------------------------------------------------------------------
    # 铁路交通事故应急救援和调查处理条例 第三十九条: the body is the violator.
    ("违法主体",
     "违反本条例的规定，国务院铁路主管部门、铁路管理机构以及其他行政机关未立即启动应急预案，或者迟报、漏报、瞒报、"
     "谎报事故的，对直接负责的主管人员和其他直接责任人员依法给予处分。", "national", "", set()),
    # 统计法 第三十三条第二款: an attributive 颁发的 describes a document.
    ("定语 颁发的", "统计人员进行统计调查时，应当出示县级以上人民政府统计机构或者有关部门颁发的工作证件；"
     "未出示的，统计调查对象有权拒绝调查。", "national", "", set()),
    # 地方各级人民代表大会和地方各级人民政府组织法(2022) 第十条第二款: a people's congress is not a government.
    ("人大不是政府",
     "设区的市、自治州的人民代表大会根据本行政区域的具体情况和实际需要，可以依照法律规定的权限制定地方性法规，"
     "报省、自治区的人民代表大会常务委员会批准后施行。", "national", "", set()),
    # 市场监督管理: 市场 is not a city.
    ("市场不是市", "违反本条例规定，由市场监督管理部门责令改正，处五千元以下罚款。", "municipal", "青岛市价格条例", set()),
]


@pytest.mark.parametrize(("rule", "text", "issuing_level", "title", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(rule: str, text: str, issuing_level: str, title: str, expected: set[str]) -> None:
    found = assign_levels(text, issuing_level=issuing_level, title=title)
    assert {a.level for a in found} == expected, [(a.level, a.evidence) for a in found]


def test_evidence_is_body_plus_act() -> None:
    # 中国人民解放军实施《药品管理法》办法 第二十条: the lowest holder with its act.
    text = (
        "发生重大灾情、疫情以及其他突发事件或者临床急需而市场上没有供应时，经中央军事委员会后勤保障部负责卫生工作的"
        "业务部门和国务院药品监督管理部门或者省、自治区、直辖市人民政府药品监督管理部门批准，医疗机构配制的制剂可以"
        "在指定的军队医疗机构和地方医疗机构之间调剂使用。"
    )
    found = assign_levels(text)
    assert found == [
        Assignment("provincial", "省、自治区、直辖市人民政府药品监督管理部门批准", "批准", text.index("省、自治区"))
    ]


def test_assignments_are_exact_sorted_and_unique() -> None:
    # 药品管理法实施条例 第四十一条第二款 and 国务院关于禁止在市场经济活动中实行地区封锁的规定 第十八条.
    for text in (CASES[22][1], CASES[23][1], CASES[1][1]):
        found = assign_levels(text)
        for a in found:
            assert a.level in LEVELS
            assert text[a.start : a.start + len(a.evidence)] == a.evidence
            assert a.evidence.endswith(a.act)
        assert found == sorted(found, key=lambda a: a.start)
        assert len({(a.level, a.evidence) for a in found}) == len(found)


def test_empty_and_unrelated_text() -> None:
    assert assign_levels("") == []
    assert assign_levels("建造中的船舶可以设定船舶抵押权。") == []


def test_title_decides_when_issuing_level_is_not_given() -> None:
    # 济南市文物保护规定 第二十一条第二款: a city text read without issuing_level.
    text = "市规划行政主管部门应当在接到考古勘探发掘意见书后决定是否向建设单位核发建设工程规划许可证。"
    assert {a.level for a in assign_levels(text, title="济南市文物保护规定")} == {M}


@pytest.mark.skipif(not (LAWS / "manifest.csv").exists() or not DEV.exists(), reason="corpus not available")
def test_dev_set_precision_recall() -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "level_dev_eval", Path(__file__).resolve().parent.parent / "scripts" / "level_dev_eval.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    precision, recall, scored = module.score(DEV, LAWS)
    assert sum(1 for s in scored if s.expected) >= 80
    assert precision >= 0.95, precision
    assert recall >= 0.90, recall
