"""``/items``: power items (事项) for legal staff — a filtered, paginated list; one item with the
text of its legal bases, related items, recorded actions and validation findings; its
一链办理 chain assessed for a target level."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.routes.common import (
    ItemType,
    LevelParam,
    Target,
    assessment_schema,
    error_responses,
    json_content,
    not_found,
    run,
    store_of,
)
from quanze import lookup
from quanze.devolution import target_level

router = APIRouter(tags=["事项 items"])

CODE_EXAMPLE = "37YJ-XK-0001"


class ItemSummary(BaseModel):
    """One item in a list."""

    code: str = Field(description="事项编码", examples=[CODE_EXAMPLE])
    name: str | None = Field(description="事项名称", examples=["药品生产许可"])
    sub_item_name: str | None = Field(None, description="子项名称", examples=["药品生产许可证核发"])
    type: str | None = Field(description="事项类型", examples=["行政许可"])
    department: str | None = Field(description="实施主体（清单原文）", examples=["省药品监督管理局"])
    levels: list[str] = Field(description="行使层级", examples=[["省级"]])
    sensitive: bool = Field(description="是否涉及安全类别（不予下放）", examples=[False])
    security_category: str | None = Field(None, description="安全类别", examples=[None])
    handling: str | None = Field(None, description="办理方式", examples=["依申请"])
    iri: str = Field(description="the item's IRI", examples=["https://w3id.org/quanze/id/item/37YJ-XK-0001"])


class ItemPage(BaseModel):
    """One page of items, ordered by 事项编码."""

    total: int = Field(description="items matching the filters (all pages)", examples=[289])
    page: int = Field(description="this page, from 1", examples=[1])
    size: int = Field(description="page size (≤ 200)", examples=[50])
    pages: int = Field(description="number of pages", examples=[6])
    items: list[ItemSummary] = Field(description="the items on this page")


class ReviewerOut(BaseModel):
    """Who reviewed a level (层级校核), when and why."""

    by: str | None = Field(description="校核人", examples=["省司法厅 王某"])
    date: str | None = Field(description="校核日期", examples=["2026-11-30"])
    note: str | None = Field(description="说明", examples=[None])


class LevelAssignmentOut(BaseModel):
    """A level a provision's text assigns (层级设定), with the exact phrase that fixes it."""

    unit: str = Field(description="IRI of the 款 or 项 that assigns the level")
    unit_label: str = Field(description="第X条第X款（第X项）", examples=["第四十一条第一款"])
    level: str = Field(description="层级", examples=["省级"])
    level_code: str = Field(description="level slug", examples=["provincial"])
    evidence: str | None = Field(description="the exact phrase of the text that fixes the level",
                                 examples=["省、自治区、直辖市人民政府药品监督管理部门批准"])
    act: str | None = Field(description="the act (批准, 许可, 登记, 决定, 实施 …); 校核 for a reviewed level",
                            examples=["批准"])
    review: ReviewerOut | None = Field(None, description="for a reviewed level (层级校核): who read it, when, why")


class LevelReviewOut(BaseModel):
    """A person's reading (层级校核) of the levels a 款 or 项 assigns. While ``current`` it replaces
    the extracted ones; once the unit's text has changed it is stale and they hold again."""

    unit: str = Field(description="IRI of the reviewed 款 or 项")
    unit_label: str = Field(description="第X条第X款（第X项）", examples=["第十七条第三款"])
    levels: list[str] = Field(description="reviewed level slugs; empty = the unit assigns none", examples=[["municipal"]])
    level_labels: list[str] = Field(description="校核层级；为空表示该款项不设定层级", examples=[["市级"]])
    evidence: str | None = Field(description="依据短语", examples=["设区的市级社会保险行政部门办理"])
    by: str | None = Field(description="校核人", examples=["省司法厅 王某"])
    date: str | None = Field(description="校核日期", examples=["2026-11-30"])
    note: str | None = Field(description="说明", examples=[None])
    current: bool = Field(description="whether the unit's text is still the text that was reviewed")
    extracted: list[str] = Field(description="自动识别的层级（被校核取代的）", examples=[["省级"]])


class EntrustmentOut(BaseModel):
    """A provision that lets a body entrust (委托) its power to another (委托规定); the entrusting
    body keeps the legal responsibility."""

    unit: str = Field(description="IRI of the 款 or 项 that provides for the entrustment")
    unit_label: str = Field(description="第X条第X款（第X项）", examples=["第十一条第一款"])
    from_level: str = Field(description="委托机关层级", examples=["省级"])
    to_levels: list[str] = Field(description="受委托机关可在的层级；条文未写明层级时为空", examples=[[]])
    evidence: str | None = Field(description="the exact phrase, from the entrusting body to the entrusted one",
                                 examples=["省自然资源主管部门或者其委托的部门"])


class BasisOut(BaseModel):
    """One legal basis of an item: the cited provision with its exact text."""

    role: str = Field(description="设定依据 or 实施依据", examples=["设定依据"])
    role_code: str = Field(description="legalBasis or implementationBasis", examples=["legalBasis"])
    provision: str = Field(description="the provision's IRI")
    provision_id: str | None = Field(description="the IRI after …/id/law/ (for GET /provisions/{id})",
                                     examples=["中华人民共和国药品管理法/2019-08-26/art_41/par_1"])
    citation: str = Field(description="《标题》第X条第X款", examples=["《中华人民共和国药品管理法》第四十一条第一款"])
    instrument: str | None = Field(description="法律文件全称", examples=["中华人民共和国药品管理法"])
    instrument_type: str | None = Field(description="法律文件类型", examples=["法律"])
    issuer: str | None = Field(description="制定机关", examples=["全国人民代表大会常务委员会"])
    version_date: str | None = Field(description="版本日期", examples=["2019-08-26"])
    instrument_status: str | None = Field(description="时效（有效 / 已修改 / 废止）", examples=["有效"])
    current: bool | None = Field(description="whether this version is the current one", examples=[True])
    authority: str | None = Field(description="who must amend it: central / provincial / municipal",
                                  examples=["central"])
    authority_label: str | None = Field(description="修改主体", examples=["中央层面：提出建议按程序上报"])
    article: str | None = Field(description="第X条", examples=["第四十一条"])
    paragraph: str | None = Field(description="第X款", examples=["第一款"])
    item: str | None = Field(description="第X项", examples=[None])
    text: str | None = Field(description="exact text (an article: its paragraphs and items, one per line)")
    lead_in: str | None = Field(description="for a cited 项: the text of its paragraph (the lead-in)")
    found: bool = Field(description="whether the cited provision is stored")
    level_assignments: list[LevelAssignmentOut] = Field(description="level assignments bearing on the provision")
    level_reviews: list[LevelReviewOut] = Field(default=[], description="level reviews (层级校核) bearing on the provision")
    entrustments: list[EntrustmentOut] = Field(default=[], description="entrustments (委托规定) bearing on the provision")


class RelatedOut(BaseModel):
    """A related item (关联事项, 一链办理)."""

    code: str = Field(description="事项编码", examples=["37YJ-XK-0002"])
    name: str | None = Field(description="事项名称", examples=["药品生产许可"])
    exists: bool = Field(description="whether the related item is stored")
    direction: str = Field(description="listed (this item lists it) or listed_by (it lists this item)",
                           examples=["listed"])
    direction_label: str = Field(description="关系", examples=["本事项列为关联"])


class ActionOut(BaseModel):
    """A recorded devolution action (调整事项)."""

    iri: str = Field(description="the action's IRI")
    type: str | None = Field(description="调整方式", examples=["委托"])
    type_code: str | None = Field(description="action type slug", examples=["entrust"])
    to_level: str | None = Field(description="承接层级", examples=["市级"])
    to_zone: str | None = Field(description="承接功能区", examples=[None])
    to_body: str | None = Field(description="承接单位", examples=["各设区的市药品监督管理局"])
    entrusting_body: str | None = Field(description="委托机关", examples=["省药品监督管理局"])
    deadline: str | None = Field(description="完成时限", examples=["2020-06-30"])
    basis_document: str | None = Field(description="依据文件")


class FindingOut(BaseModel):
    """One result of a stored SHACL validation report."""

    report: str = Field(description="the report's name (the load it belongs to)", examples=["shandong-provincial"])
    report_graph: str = Field(description="the report's named graph")
    focus: str = Field(description="the node the finding is about (item or action IRI)")
    focus_code: str | None = Field(description="事项编码 of the item concerned", examples=[CODE_EXAMPLE])
    focus_name: str | None = Field(description="事项名称")
    severity: str = Field(description="Violation, Warning or Info", examples=["Violation"])
    severity_label: str = Field(description="严重程度", examples=["违规"])
    shape: str = Field(description="the SHACL shape's IRI")
    shape_name: str = Field(description="the rule's name (the shape's sh:name in Chinese; its local name when it "
                                        "has none)", examples=["一链办理"])
    shape_name_en: str | None = Field(default=None, description="the rule's name in English", examples=["One chain"])
    constraint: str | None = Field(description="the constraint's IRI")
    path: str | None = Field(description="the property concerned")
    value: str | None = Field(description="the offending value")
    value_label: str | None = Field(description="the value, readable (《标题》第X条, 编码 名称, a label)")
    message: str | None = Field(description="说明（中文）")
    message_en: str | None = Field(description="the message in English")


class ItemDetail(BaseModel):
    """One item as legal staff read it."""

    code: str = Field(description="事项编码", examples=[CODE_EXAMPLE])
    name: str | None = Field(description="事项名称", examples=["药品生产许可"])
    sub_item_name: str | None = Field(description="子项名称")
    iri: str = Field(description="the item's IRI")
    type: str | None = Field(description="事项类型", examples=["行政许可"])
    department: str | None = Field(description="实施主体（清单原文）", examples=["省药品监督管理局"])
    implementing_body: str | None = Field(description="实施主体（规范名称）", examples=["山东省药品监督管理局"])
    levels: list[str] = Field(description="行使层级", examples=[["省级"]])
    accepted_at: list[str] = Field(description="受理层级")
    approved_at: list[str] = Field(description="审批层级")
    sensitive: bool = Field(description="是否涉及安全类别")
    security_category: str | None = Field(description="安全类别")
    handling: str | None = Field(description="办理方式", examples=["依申请"])
    disguised_approval_form: str | None = Field(description="疑似变相审批形式")
    note: str | None = Field(description="备注")
    basis_text: str | None = Field(description="设定依据（清单原文）")
    implementation_basis_text: str | None = Field(description="实施依据（清单原文）")
    loads: list[str] = Field(description="the loads (lists) stating the item", examples=[["shandong-provincial"]])
    bases: list[BasisOut] = Field(description="设定依据 and 实施依据, each with its text and level assignments")
    related: list[RelatedOut] = Field(description="关联事项 (both directions)")
    actions: list[ActionOut] = Field(description="recorded devolution actions")
    validation_report: str | None = Field(description="the latest stored report with findings on the item")
    findings: list[FindingOut] = Field(description="that report's findings on the item and its actions")


@router.get("/items", response_model=ItemPage, summary="事项列表 / list items",
            responses=error_responses(400, 503))
async def list_items(
    request: Request,
    type: Annotated[ItemType | None, Query(description="事项类型", examples=["行政许可"])] = None,
    department: Annotated[str | None, Query(description="text contained in 实施主体 (a leading 山东省 read as 省, as the "
                                                        "lists write it)", examples=["药品监督管理局"])] = None,
    level: Annotated[LevelParam | None, Query(description="行使层级: 省级/市级/县级 or provincial/municipal (city)/county",
                                              examples=["省级"])] = None,
    sensitive: Annotated[bool | None, Query(description="only items with (true) or without (false) a 安全类别")] = None,
    q: Annotated[str | None, Query(description="text contained in 事项名称, 子项名称 or 事项编码 (any case)",
                                   examples=["药品"],
                                   max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")] = 1,
    size: Annotated[int, Query(ge=1, le=lookup.MAX_PAGE_SIZE, description="items per page (≤ 200)")] = 50,
) -> dict[str, Any]:
    """Items matching every filter given, ordered by 事项编码, one page at a time.

    Filters are bound as query parameters (never spliced into SPARQL): text with special
    characters simply matches nothing."""
    store = store_of(request)
    total, items = await run(request, lambda: lookup.search_items(
        store, type_label=type, department=department, level=level, sensitive=sensitive, q=q, page=page, size=size))
    return {"total": total, "page": page, "size": size, "pages": (total + size - 1) // size, "items": items}


@router.get("/items/{code}", response_model=ItemDetail, summary="事项详情 / one item with its legal bases",
            responses=error_responses(404, 503))
async def get_item(request: Request,
                   code: Annotated[str, Path(description="事项编码", examples=[CODE_EXAMPLE])]) -> dict[str, Any]:
    """The item with the exact text of each cited provision (instrument, 第X条第X款, type, the
    level assignments bearing on it with their evidence), related items, recorded actions and
    the findings of the latest stored validation report on it."""
    store = store_of(request)
    detail = await run(request, lambda: lookup.item_detail(store, code))
    if detail is None:
        raise not_found(f"没有事项 {code}", f"no item {code}")
    return detail


@router.get("/items/{code}/chain", response_class=JSONResponse, summary="一链办理 / the item's chain, assessed",
            responses={200: {"description": "the item's assessment (as `quanze chain --format json`): its own "
                                            "findings, each chain member's, and the status",
                             "content": json_content(assessment_schema())},
                       **error_responses(400, 404, 503)})
async def get_chain(request: Request,
                    code: Annotated[str, Path(description="事项编码", examples=[CODE_EXAMPLE])],
                    to: Annotated[Target, Query(description="target level: 市级, 县级 or 功能区")] = "县级",
                    ) -> JSONResponse:
    """:func:`quanze.devolution.chain`: the 一链办理 closure of the item (related items,
    transitively, both directions), each member assessed for the target level."""
    store = store_of(request)
    target_level(to)
    result = await run(request, lambda: lookup.chain_of(store, code, to))
    if result is None:
        raise not_found(f"没有事项 {code}", f"no item {code}")
    return JSONResponse(result)
