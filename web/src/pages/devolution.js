// Devolution dashboard: for a target level, counts by status × department and by amending
// authority (charts with their tables), the list behind a bar, CSV/XLSX export.
import { cachedJson } from "../api.js";
import { nestTitles } from "../citation.js";
import { field, h, select, zh } from "../dom.js";
import { downloadCsv, downloadXlsx } from "../exporter.js";
import { AUTHORITIES, authorityLabel, colon, joinList, levelLabel, STATUSES, statusesFor, statusLabel, t, TARGETS } from "../i18n.js";
import { announce, errorBox, itemHref, loadingBox, navigate, pageTitle, parseHash, provisionHref } from "../ui.js";

export const STATUS_COLORS = {
  excluded: "#5b6170", cancel: "#7b3fa0", outside_zone_scope: "#3f6f8f", needs_legal_change: "#b3261e",
  chain_blocked: "#d9822b", devolvable: "#2e7d32", at_or_below_target: "#8fa3b3",
};
const AUTHORITY_COLORS = { central: "#8c1c13", provincial: "#c8611b", municipal: "#b08d1a" };

/** The assessments of a /devolution answer (an array per docs/blockers.schema.json). */
export function assessments(body) {
  if (Array.isArray(body)) return body;
  return body.items || body.assessments || body.results || [];
}

/** A status badge; ``target`` (市级, 县级, 功能区) picks the label the target reads (可赋权（按程序） for a zone). */
export function statusBadge(status, target) {
  return h("span", { class: `badge st-${status}`, dataset: { status } }, statusLabel(status, target));
}

/** Why an item is not among the powers the plan gives zones, briefly (the item page gives the reasons in full). */
export function zoneReason(a) {
  const scope = a.zone_scope;
  if (a.status !== "outside_zone_scope" || !scope) return null;
  const parts = [];
  if (scope.economic === "no") parts.push(t("zoneNotEconomic", scope.department_function));
  if (scope.provincial_or_city === false) parts.push(t("zoneNotOurs"));
  return parts.length ? h("div", { class: "small zone-reason" }, joinList(parts)) : null;
}

export function citation(b) {
  return nestTitles(`《${b.instrument}》${b.article || ""}${b.paragraph || ""}${b.item || ""}`);
}

export async function devolutionPage({ main, params, onCleanup }) {
  const target = TARGETS.includes(params.get("to")) ? params.get("to") : "县级";
  const department = params.get("department") || "";
  const statuses = statusesFor(target);
  main.append(pageTitle(t("devTitle")), h("p", { class: "intro" }, t("devIntro")));
  if (target === "功能区") main.append(h("p", { class: "hint", id: "zone-hint" }, t("devZoneHint")));
  if (params.get("to") && !TARGETS.includes(params.get("to"))) {  // say so, rather than silently answer 县级
    main.append(h("p", { class: "notice", role: "status", id: "target-notice" },
      t("devBadTarget").replace("{to}", params.get("to")).replace("{targets}", joinList(TARGETS.map(levelLabel)))));
  }
  const loading = loadingBox();
  main.append(loading);
  let all;
  try {
    all = assessments(await cachedJson("/devolution", { to: target, all: "true" }));
  } catch (e) {
    loading.remove();
    main.append(errorBox(e));
    return;
  }
  loading.remove();
  const departments = [...new Set(all.map((a) => a.department || ""))].sort((a, b) => a.localeCompare(b, "zh-CN"));
  const list = department ? all.filter((a) => (a.department || "") === department) : all;

  // the settings form
  const targetSel = select("to", TARGETS.map((x) => [x, levelLabel(x)]), target);
  const deptSel = select("department", [["", t("any")], ...departments.filter((d) => d).map((d) => [d, d])], department);
  const form = h("form", { class: "filters", role: "search", "aria-label": t("devForm") },
    field(t("devTarget"), targetSel), field(t("devDepartment"), deptSel),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("show"))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    navigate("/devolution", { to: targetSel.value, department: deptSel.value });
  });
  main.append(form);

  // counts
  const byStatus = Object.fromEntries(statuses.map((s) => [s, 0]));
  for (const a of list) byStatus[a.status] = (byStatus[a.status] || 0) + 1;
  const depts = [...new Set(list.map((a) => a.department || ""))].sort((a, b) => a.localeCompare(b, "zh-CN"));
  const matrix = new Map(depts.map((d) => [d, Object.fromEntries(statuses.map((s) => [s, 0]))]));
  for (const a of list) matrix.get(a.department || "")[a.status] += 1;
  const byAuthority = Object.fromEntries(AUTHORITIES.map((x) => [x, []]));
  // who must amend, for the items that need it (an excluded or cancelled item is amended by no one)
  for (const a of list.filter((x) => x.status === "needs_legal_change")) {
    for (const auth of new Set((a.blocking || []).map((b) => b.authority))) (byAuthority[auth] ||= []).push(a);
  }

  const listSection = h("section", { class: "card", "aria-labelledby": "dev-list-h" });
  const select_ = (sel) => {
    renderList(listSection, list, sel, target, department);
    remember(sel);
    listSection.querySelector("h2").focus();
    announce(listSection.querySelector("h2").textContent);
  };
  const countButton = (n, sel, label) => (n
    ? h("button", { type: "button", class: "linklike count", "aria-label": `${label}: ${n}`, dataset: { count: String(n) },
      onclick: () => select_(sel) }, String(n))
    : h("span", { class: "count zero", dataset: { count: "0" } }, "0"));

  // by status (cards)
  const statusTable = h("table", { class: "counts", id: "status-counts" },
    h("caption", null, `${t("byStatus")} · ${colon(t("target"))}${levelLabel(target)}`),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("status")), h("th", { scope: "col", class: "num" }, t("count")))),
    h("tbody", null, statuses.map((s) => h("tr", { dataset: { status: s } },
      h("th", { scope: "row" }, h("span", { class: "swatch", style: `background:${STATUS_COLORS[s]}`, "aria-hidden": "true" }), statusLabel(s, target)),
      h("td", { class: "num" }, countButton(byStatus[s], { status: s }, statusLabel(s, target)))))),
    h("tfoot", null, h("tr", null, h("th", { scope: "row" }, t("totalItems")),
      h("td", { class: "num", dataset: { count: String(list.length) } }, h("button", {
        type: "button", class: "linklike count", onclick: () => select_({}) }, String(list.length))))));
  const statusSection = h("section", { class: "card", "aria-labelledby": "dev-status-h" },
    h("h2", { id: "dev-status-h" }, t("byStatus")), statusTable);

  // status × department
  const deptChart = h("div", { class: "chart", style: `height:${Math.max(160, depts.length * 30 + 70)}px`,
    role: "img", "aria-label": t("byDepartment") });
  const deptTable = h("table", { class: "counts matrix", id: "department-counts" },
    h("caption", null, t("byDepartment")),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("department")),
      statuses.map((s) => h("th", { scope: "col", class: "num" }, statusLabel(s, target))),
      h("th", { scope: "col", class: "num" }, t("totalItems")))),
    h("tbody", null, depts.map((d) => h("tr", { dataset: { department: d } },
      h("th", { scope: "row" }, zh(d || "—")),
      statuses.map((s) => h("td", { class: "num", dataset: { status: s } },
        countButton(matrix.get(d)[s], { department: d, status: s }, `${d} · ${statusLabel(s, target)}`))),
      h("td", { class: "num" }, String(Object.values(matrix.get(d)).reduce((x, y) => x + y, 0)))))));
  const deptSection = h("section", { class: "card", "aria-labelledby": "dev-dept-h" },
    h("h2", { id: "dev-dept-h" }, t("byDepartment")), h("p", { class: "hint" }, t("chartHelp")),
    deptChart, h("details", { class: "data-table" }, h("summary", null, t("dataTable")),
      h("div", { class: "table-scroll" }, deptTable)));

  // by authority
  const authChart = h("div", { class: "chart", style: "height:180px", role: "img", "aria-label": t("byAuthority") });
  const authTable = h("table", { class: "counts", id: "authority-counts" },
    h("caption", null, t("byAuthority")),
    h("thead", null, h("tr", null, h("th", { scope: "col" }, t("authority")), h("th", { scope: "col", class: "num" }, t("count")))),
    h("tbody", null, AUTHORITIES.map((x) => h("tr", { dataset: { authority: x } },
      h("th", { scope: "row" }, authorityLabel(x)),
      h("td", { class: "num" }, countButton(byAuthority[x].length, { status: "needs_legal_change", authority: x }, authorityLabel(x)))))));
  const authSection = h("section", { class: "card", "aria-labelledby": "dev-auth-h" },
    h("h2", { id: "dev-auth-h" }, t("byAuthority")), authChart, authTable);
  main.append(h("div", { class: "dash-top" }, statusSection, authSection), deptSection);

  main.append(listSection);
  // A selection made on this page is kept in its address: Back from an item returns to it, and
  // the link can be sent to a colleague.
  const chosen = chosenIn(params);
  renderList(listSection, list, chosen, target, department);
  if (Object.keys(chosen).length) requestAnimationFrame(() => listSection.scrollIntoView({ block: "start" }));

  // charts, once their code has loaded
  const disposers = [];
  onCleanup(() => disposers.forEach((d) => d()));
  try {
    const { barChart } = await import("../charts.js");
    if (!deptChart.isConnected) return;
    disposers.push(barChart(deptChart, {
      categories: depts.map((d) => d || "—"),
      series: statuses.map((s) => ({ id: s, name: statusLabel(s, target), color: STATUS_COLORS[s], data: depts.map((d) => matrix.get(d)[s]) })),
      onClick: (d, s) => select_({ department: d === "—" ? "" : d, status: s }),
      ariaLabel: t("byDepartment"),
    }).dispose);
    disposers.push(barChart(authChart, {
      categories: AUTHORITIES.map(authorityLabel),
      series: [{ id: "authority", name: t("count"), color: "#8c1c13",
        data: AUTHORITIES.map((x) => ({ value: byAuthority[x].length, itemStyle: { color: AUTHORITY_COLORS[x] } })) }],
      stacked: false,
      onClick: (label) => select_({ status: "needs_legal_change", authority: AUTHORITIES.find((x) => authorityLabel(x) === label) }),
      ariaLabel: t("byAuthority"),
    }).dispose);
  } catch (e) {
    console.error("charts", e);
    deptChart.replaceWith(errorBox(e));
    authChart.remove();
  }
}

const MAX_ROWS = 1000; // rows drawn; the export has them all

function uniqueBy(list, key) {
  const seen = new Set();
  return list.filter((x) => { const k = key(x); if (seen.has(k)) return false; seen.add(k); return true; });
}

function describe(sel, target) {
  const parts = [];
  if (sel.department !== undefined) parts.push(sel.department || "—");
  if (sel.status) parts.push(statusLabel(sel.status, target));
  if (sel.authority) parts.push(authorityLabel(sel.authority));
  return parts.join(" · ");
}

/** The export's file name: target, the page's department (unless the selection names one), selection. */
function exportName(target, pageDepartment, sel) {
  const named = [sel.department === undefined ? pageDepartment : "", describe(sel, target)].filter(Boolean)
    .map((part) => part.replace(/[\\/:*?"<>| ·]+/g, "_")); // characters a file name cannot hold
  return [t("devTitle"), levelLabel(target), ...named].join("-");
}

/** The list selection an address names (``status``, ``authority``, ``in``: a department row). */
function chosenIn(params) {
  const sel = {};
  if (STATUSES.includes(params.get("status"))) sel.status = params.get("status");
  if (AUTHORITIES.includes(params.get("authority"))) sel.authority = params.get("authority");
  if (params.has("in")) sel.department = params.get("in");
  return sel;
}

/** Put ``sel`` into the page's address without rendering the page again. */
function remember(sel) {
  const { path, params } = parseHash();
  for (const key of ["status", "authority", "in"]) params.delete(key);
  if (sel.status) params.set("status", sel.status);
  if (sel.authority) params.set("authority", sel.authority);
  if (sel.department !== undefined) params.set("in", sel.department);
  const qs = params.toString();
  history.replaceState(null, "", `#${path}${qs ? `?${qs}` : ""}`);
}

function renderList(section, list, sel, target, pageDepartment) {
  const rows = list.filter((a) => (sel.department === undefined || (a.department || "") === sel.department)
    && (!sel.status || a.status === sel.status)
    && (!sel.authority || (a.blocking || []).some((b) => b.authority === sel.authority)));
  const what = describe(sel, target);
  section.replaceChildren();
  const name = exportName(target, pageDepartment, sel);
  // The DOM's own append() prints null as "null": absent parts are "" here.
  section.append(
    h("h2", { id: "dev-list-h", tabindex: "-1" }, what ? `${colon(t("list"))}${what}` : t("listAll"),
      h("span", { class: "muted" }, ` (${rows.length})`)),
    h("div", { class: "toolbar" },
      h("button", { type: "button", onclick: () => downloadCsv(`${name}.csv`, rows) }, t("exportCsv")),
      h("button", { type: "button", onclick: () => downloadXlsx(`${name}.xlsx`, rows, target) }, t("exportXlsx")),
      // the worksheet of the department chosen (in the list or for the page); the server knows every
      // level a paragraph assigns, which the page does not hold
      h("a", { class: "button secondary", id: "review-sheet", download: "", title: t("reviewSheetHint"),
        href: `/review-sheet?${new URLSearchParams({ to: target, format: "xlsx",
          ...((sel.department ?? pageDepartment) ? { department: sel.department ?? pageDepartment } : {}) })}` },
      t("exportReviewSheet")),
      // signed, the worksheet is loaded back on the loads page
      h("a", { class: "button secondary", id: "review-sheet-load", href: "#/loads" }, t("loadReviewSheet")),
      what ? h("button", { type: "button", class: "secondary", onclick: () => {
        renderList(section, list, {}, target, pageDepartment); remember({}); section.querySelector("h2").focus();
      } }, t("clearSelection")) : "",
      h("span", { class: "hint" }, t("exportHint"))),
    rows.length > MAX_ROWS ? h("p", { class: "hint", role: "note" }, t("firstRows", MAX_ROWS)) : "",
    h("div", { class: "table-scroll" }, h("table", { class: "data", id: "devolution-list" },
      h("thead", null, h("tr", null, [t("code"), t("name"), t("department"), t("levels"), t("status"), t("blocking")]
        .map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, rows.slice(0, MAX_ROWS).map((a) => h("tr", { dataset: { code: a.code } },
        h("td", { class: "code" }, h("a", { href: itemHref(a.code) }, a.code)),
        h("td", null, zh(a.name)),
        h("td", null, zh(a.department || "—")),
        h("td", null, joinList((a.levels || []).map(levelLabel))),
        h("td", null, statusBadge(a.status, target), zoneReason(a),
          a.chain_blocked_by && a.chain_blocked_by.length ? h("div", { class: "small" }, colon(t("chainBlockedBy")),
            a.chain_blocked_by.map((c, i) => [i ? "、" : "", h("a", { href: itemHref(c) }, c)])) : null),
        h("td", null, (a.blocking || []).length
          ? h("ul", { class: "plain" }, uniqueBy(a.blocking, (b) => `${citation(b)}|${b.authority}`).map((b) => h("li", null,
            b.provision ? h("a", { href: provisionHref(b.provision) }, zh(citation(b))) : zh(citation(b)),
            h("span", { class: `auth au-${b.authority}` }, authorityLabel(b.authority)))))
          : "—")))))));
}
