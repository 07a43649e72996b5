"""``/validation``: the stored SHACL validation reports, readable.

Each load validated on the way in keeps its report as the named graph
``qzid:graph/report/{load}`` (replaced when the load is reloaded), naming every node it
validated. A node's latest word is the report of the latest load that validated it, so a
finding a later load settled (a 取消 recorded by an adjustments list) is superseded and not
answered, nor is one on a node no longer stored; ``superseded`` counts them (:func:`quanze.lookup.latest_word`). This answers the
reports as JSON: every report with its load and time (latest first), and their current findings
with item codes, names and messages in Chinese and English. With no stored report the answer is
an empty report (``available`` false). Lists loaded without validation are named in
``unvalidated``: no report speaks for them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.routes.common import error_responses, not_found, run, store_of
from api.routes.items import FindingOut
from quanze import lookup
from quanze.catalog import loads, unvalidated
from quanze.namespaces import graph_iri

router = APIRouter(tags=["校验 validation"])


class ReportOut(BaseModel):
    """A stored validation report."""

    name: str = Field(description="the report's name (its load's)", examples=["shandong-provincial"])
    graph: str = Field(description="the report's named graph")
    load: str | None = Field(description="the load it belongs to", examples=["shandong-provincial"])
    file: str | None = Field(description="the file loaded", examples=["shandong-provincial.csv"])
    time: str | None = Field(description="when the load was made (UTC)")
    conforms: bool | None = Field(description="sh:conforms")


class ValidationOut(BaseModel):
    """The stored validation reports and their findings."""

    available: bool = Field(description="whether any report is stored")
    latest: ReportOut | None = Field(description="the most recent report")
    reports: list[ReportOut] = Field(description="the reports included, latest first")
    conforms: bool = Field(description="no finding of any severity in the reports included")
    violations: int = Field(description="违规数")
    warnings: int = Field(description="警告数")
    superseded: int = Field(description="findings of these reports that a later load's validation superseded, or "
                                        "on nodes no longer stored (已被后续校验取代或对象已删除的结论数), not in results")
    results: list[FindingOut] = Field(description="the current findings, violations first, by item code")
    unvalidated: list[str] = Field(description="lists loaded without validation (quanze load --no-validate), whose "
                                               "problems no report holds (未经校验的载入：其问题不在任何报告中)")


@router.get("/validation", response_model=ValidationOut, summary="校验报告 / the stored validation reports",
            responses=error_responses(404, 503))
async def validation(
    request: Request,
    report: Annotated[str | None, Query(description="only this report (a load's name)",
                                        examples=["shandong-provincial"], max_length=300)] = None,
) -> dict[str, Any]:
    """The latest validation findings: every stored report (or one), with its findings."""
    store = store_of(request)
    def work() -> dict[str, Any] | None:
        wanted = [lookup.safe_iri(str(graph_iri("report", report)))] if report else None
        if wanted is not None and wanted[0] is None:
            return None  # no IRI can be made of it: no such report
        reports = lookup.stored_reports(store, wanted)  # type: ignore[arg-type]
        if report and not reports:
            return None
        stored = lookup.stored_findings(store, reports=[r["graph"] for r in reports]) if reports else []
        unchecked = [] if report else [r.name for r in unvalidated(loads(store))]
        results = [f for f in stored if not f["superseded_by"] and not f["gone"]]
        return {"available": bool(reports), "latest": reports[0] if reports else None, "reports": reports,
                "conforms": not results, "violations": sum(1 for f in results if f["severity"] == "Violation"),
                "warnings": sum(1 for f in results if f["severity"] == "Warning"),
                "superseded": len(stored) - len(results), "results": results, "unvalidated": unchecked}

    answer = await run(request, work)
    if answer is None:
        raise not_found(f"没有名为 {report} 的校验报告", f"no validation report named {report}")
    return answer
