"""``/provisions``: one provision (条, 款 or 项) in its article — by its IRI tail or by a
citation as lists write it — with its level assignments, its instrument and the items relying
on it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from api.routes.common import (
    bad_request,
    error_responses,
    not_found,
    resolve_one,
    resolver_cache,
    run,
    store_of,
)
from api.routes.items import EntrustmentOut, ItemSummary, LevelAssignmentOut, LevelReviewOut
from quanze import lookup
from quanze.namespaces import segment

router = APIRouter(tags=["条文 provisions"])

ID_EXAMPLE = "中华人民共和国药品管理法/2019-08-26/art_41/par_1"
CITE_EXAMPLE = "《药品管理法》第四十一条第一款"


class InstrumentOut(BaseModel):
    """The instrument version a provision belongs to."""

    iri: str = Field(description="the version's IRI")
    work: str | None = Field(description="the instrument (all versions)'s IRI")
    title: str = Field(description="法律文件全称", examples=["中华人民共和国药品管理法"])
    version_date: str | None = Field(description="版本日期", examples=["2019-08-26"])
    type: str | None = Field(description="法律文件类型", examples=["法律"])
    type_code: str | None = Field(description="type slug", examples=["law"])
    issuer: str | None = Field(description="制定机关", examples=["全国人民代表大会常务委员会"])
    issuing_level: str | None = Field(description="制定层级", examples=["国家级"])
    current: bool | None = Field(description="whether this is the current version", examples=[True])
    status: str | None = Field(description="时效（有效 / 已修改 / 废止）", examples=["有效"])
    authority: str = Field(description="who must amend it: central / provincial / municipal", examples=["central"])
    authority_label: str = Field(description="修改主体", examples=["中央层面：提出建议按程序上报"])


class UnitOut(BaseModel):
    """A paragraph (款) or item (项) of the article, with its exact text."""

    iri: str = Field(description="the unit's IRI")
    id: str | None = Field(description="the IRI after …/id/law/")
    kind: str = Field(description="款 or 项", examples=["款"])
    ordinal: int | None = Field(description="its number", examples=[1])
    number: str | None = Field(description="第X款 / 第X项", examples=["第一款"])
    text: str = Field(description="exact text")
    selected: bool = Field(False, description="whether this is the provision asked for")
    items: list[UnitOut] = Field(default_factory=list, description="a paragraph's items (项)")


class DivisionOut(BaseModel):
    """A division (编、章、节) containing the article."""

    iri: str
    number: str | None = Field(description="第X章 …", examples=["第四章"])
    title: str | None = Field(description="its heading", examples=["药品生产"])


class ArticleContext(BaseModel):
    """The article containing the provision, in full."""

    article: str = Field(description="the article's IRI")
    article_id: str | None = Field(description="the article's IRI after …/id/law/")
    number: str | None = Field(description="第X条", examples=["第四十一条"])
    divisions: list[DivisionOut] = Field(description="divisions containing the article, outermost first")
    paragraphs: list[UnitOut] = Field(description="every paragraph, with its items, in order")


class CitesOut(BaseModel):
    """How an item cites the provision."""

    role: str = Field(description="设定依据 or 实施依据", examples=["设定依据"])
    cited: str = Field(description="the provision the item cites (this one, or one containing or inside it)")
    citation: str = Field(description="《标题》第X条第X款")


class RelyingItem(ItemSummary):
    """An item relying on the provision."""

    cites: list[CitesOut] = Field(description="how it cites it")


class ProvisionDetail(BaseModel):
    """A provision in its article."""

    iri: str = Field(description="the provision's IRI")
    id: str | None = Field(description="the IRI after …/id/law/", examples=[ID_EXAMPLE])
    citation: str = Field(description="《标题》第X条第X款", examples=["《中华人民共和国药品管理法》第四十一条第一款"])
    kind: str = Field(description="条, 款 or 项", examples=["款"])
    article: str | None = Field(description="第X条", examples=["第四十一条"])
    paragraph: str | None = Field(description="第X款", examples=["第一款"])
    item: str | None = Field(description="第X项", examples=[None])
    text: str = Field(description="exact text (a paragraph with its items; an article in full)")
    instrument: InstrumentOut | None = Field(description="the instrument version")
    context: ArticleContext = Field(description="the whole article")
    level_assignments: list[LevelAssignmentOut] = Field(description="level assignments bearing on the provision")
    level_reviews: list[LevelReviewOut] = Field(default=[], description="level reviews (层级校核) bearing on the provision")
    entrustments: list[EntrustmentOut] = Field(default=[], description="entrustments (委托规定) bearing on the provision")
    items: list[RelyingItem] = Field(description="items relying on it (citing it, its article or paragraph, "
                                                 "or a part of it)")


async def _detail(request: Request, store: Any, iri: str, shown: str, *alternatives: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        for candidate in dict.fromkeys([iri, *alternatives]):
            found = lookup.provision_detail(store, candidate)
            if found is not None:
                return found
        return None

    detail = await run(request, find)
    if detail is None:
        raise not_found(f"没有条文 {shown}", f"no provision {shown}")
    return detail


@router.get("/provisions", response_model=ProvisionDetail, summary="按引用查条文 / a provision by citation",
            responses=error_responses(400, 404, 503))
async def provision_by_citation(
    request: Request,
    cite: Annotated[str, Query(description="a citation as lists write it", examples=[CITE_EXAMPLE],
                               min_length=1, max_length=500)],
) -> dict[str, Any]:
    """Resolves the citation (short or full title, 第X条[第X款][第X项]) against the current
    version of the instrument; 404 with the resolver's reason when it cannot."""
    store = store_of(request)
    cache = resolver_cache(request)
    resolutions = await run(request, lambda: cache.resolve_text(store, cite))
    iri = resolve_one(resolutions, cite)
    if lookup.article_of(iri) is None:
        raise bad_request(f"“{cite}”指整部法律文件，请给出条、款或项", f"{cite!r} names a whole instrument: cite an "
                                                                          f"article, paragraph or item")
    return await _detail(request, store, iri, cite)


@router.get("/provisions/{id:path}", response_model=ProvisionDetail, summary="条文 / a provision by IRI",
            responses=error_responses(404, 503))
async def provision_by_id(
    request: Request,
    id: Annotated[str, Path(description="the provision's IRI after https://w3id.org/quanze/id/law/",
                            examples=[ID_EXAMPLE])],
) -> dict[str, Any]:
    """The provision with its exact text, the whole article (all paragraphs and items), the
    instrument, the level assignments bearing on it and the items relying on it."""
    store = store_of(request)
    iri = id if id.startswith(lookup.LAW) else lookup.LAW + id.lstrip("/")
    # The path arrives decoded: a title stored with %-escapes (a space is %20) is tried encoded too.
    encoded = lookup.LAW + "/".join(segment(part) for part in iri.removeprefix(lookup.LAW).split("/"))
    return await _detail(request, store, iri, id, encoded)
