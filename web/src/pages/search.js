// Search page: items by name or code, department, type, level, sensitivity and devolution status;
// each result with its status for 市级 and 县级 (joined by code from /devolution?all=true).
import { devolutionByCode, getJson } from "../api.js";
import { field, h, select, zh } from "../dom.js";
import { joinList, levelLabel, LEVELS, statusesFor, statusLabel, t, typeLabel, TYPES } from "../i18n.js";
import { announce, errorBox, itemHref, loadingBox, navigate, pageTitle } from "../ui.js";
import { statusBadge } from "./devolution.js";

const PAGE_SIZE = 50;
let submitted = false; // focus the results after a search the user asked for

function wide(el) { el.classList.add("wide"); return el; }
const STATUS_TARGETS = ["市级", "县级"];

function readParams(params) {
  return {
    q: params.get("q") || "", department: params.get("department") || "", type: params.get("type") || "",
    level: params.get("level") || "", status: params.get("status") || "",
    status_to: STATUS_TARGETS.includes(params.get("status_to")) ? params.get("status_to") : "县级",
    sensitive: params.get("sensitive") === "true", page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
  };
}

/** Every page of /items for the filters (used when filtering by status, which /items does not know). */
async function allItems(query, signal) {
  const out = [];
  for (let page = 1; ; page += 1) {
    const body = await getJson("/items", { ...query, page, size: 200 }, { signal });
    out.push(...body.items);
    if (!body.items.length || out.length >= body.total) return out;
  }
}

export async function searchPage({ main, params, signal }) {
  const s = readParams(params);
  const searched = [...params.keys()].length > 0;
  main.append(pageTitle(t("searchTitle")), h("p", { class: "intro" }, t("searchIntro")));

  const qInput = h("input", { type: "search", name: "q", value: s.q, placeholder: t("qPlaceholder"), autocomplete: "off",
    enterkeyhint: "search" });
  const deptInput = h("input", { type: "text", name: "department", value: s.department, list: "department-list",
    autocomplete: "off" });
  const deptList = h("datalist", { id: "department-list" });
  const typeSel = select("type", [["", t("any")], ...TYPES.map((x) => [x, typeLabel(x)])], s.type);
  const levelSel = select("level", [["", t("any")], ...LEVELS.map((x) => [x, levelLabel(x)])], s.level);
  // the statuses of the targets offered here (市级, 县级): a zone's own are not among them
  const statusSel = select("status", [["", t("any")], ...statusesFor(s.status_to).map((x) => [x, statusLabel(x, s.status_to)])], s.status);
  const statusToSel = select("status_to", STATUS_TARGETS.map((x) => [x, levelLabel(x)]), s.status_to);
  const sensitiveBox = h("input", { type: "checkbox", name: "sensitive", value: "true", checked: s.sensitive });
  const form = h("form", { class: "filters search-form", role: "search", "aria-label": t("searchForm") },
    wide(field(t("q"), qInput)),
    field(t("department"), deptInput), deptList,
    field(t("type"), typeSel), field(t("level"), levelSel),
    field(t("statusFilter"), statusSel), field(t("statusTarget"), statusToSel),
    h("div", { class: "field check" }, sensitiveBox, h("label", { for: (sensitiveBox.id = "f-sensitive") }, t("sensitive"))),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("search")),
      h("button", { type: "button", class: "secondary", onclick: () => navigate("/", {}) }, t("reset"))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    submitted = true;
    navigate("/", {
      q: qInput.value.trim(), department: deptInput.value.trim(), type: typeSel.value, level: levelSel.value,
      status: statusSel.value, status_to: statusSel.value ? statusToSel.value : "", sensitive: sensitiveBox.checked ? "true" : "",
    });
  });
  main.append(form);
  const results = h("section", { class: "card results", "aria-labelledby": "results-h" });
  main.append(results);

  // statuses for both targets (and the departments for the datalist), shared with other pages
  const statuses = Promise.all(STATUS_TARGETS.map((to) => devolutionByCode(to).catch((e) => {
    console.warn("devolution", to, e);
    return null;
  })));
  statuses.then(([city]) => {
    const depts = new Set();
    for (const a of (city || new Map()).values()) if (a.department) depts.add(a.department);
    for (const d of [...depts].sort((a, b) => a.localeCompare(b, "zh-CN"))) deptList.append(h("option", { value: d }));
  });

  results.append(h("h2", { id: "results-h", tabindex: "-1" }, t("results")));
  const loading = loadingBox();
  results.append(loading);
  const query = { q: s.q, department: s.department, type: s.type, level: s.level, sensitive: s.sensitive ? "true" : "" };
  let total, items;
  try {
    if (s.status) {
      const [all, maps] = await Promise.all([allItems(query, signal), statuses]);
      const map = maps[STATUS_TARGETS.indexOf(s.status_to)] || new Map();
      const matching = all.filter((it) => map.get(it.code)?.status === s.status);
      total = matching.length;
      items = matching.slice((s.page - 1) * PAGE_SIZE, s.page * PAGE_SIZE);
    } else {
      const body = await getJson("/items", { ...query, page: s.page, size: PAGE_SIZE }, { signal });
      total = body.total;
      items = body.items;
    }
  } catch (e) {
    if (e.name === "AbortError") throw e;
    loading.replaceWith(errorBox(e));
    return;
  }
  loading.remove();
  results.querySelector("h2").append(h("span", { class: "muted", id: "result-count" }, ` · ${t("total", total)}`));
  if (searched) announce(`${t("results")}: ${t("total", total)}`);
  if (!items.length) {
    results.append(h("p", { class: "empty" }, t("noResults")));
    return;
  }
  results.append(h("div", { class: "table-scroll" }, h("table", { class: "data", id: "search-results" },
    h("caption", { class: "visually-hidden" }, `${t("results")} · ${t("total", total)}`),
    h("thead", null, h("tr", null,
      [t("code"), t("name"), t("type"), t("department"), t("levels"), ...STATUS_TARGETS.map((x) => t("statusTo", x))]
        .map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null, items.map((it) => h("tr", { dataset: { code: it.code } },
      h("td", { class: "code" }, h("a", { href: itemHref(it.code) }, it.code)),
      h("td", null, h("a", { href: itemHref(it.code) }, zh(it.name)),
        it.sub_item_name ? h("div", { class: "small muted" }, zh(it.sub_item_name)) : null,
        it.sensitive ? h("span", { class: "badge sensitive" }, t("sensitiveYes")) : null),
      h("td", null, typeLabel(it.type || "")),
      h("td", null, zh(it.department || "—")),
      h("td", null, joinList((it.levels || []).map(levelLabel))),
      STATUS_TARGETS.map((to) => h("td", { dataset: { target: to, code: it.code }, "aria-busy": "true" }, "…"))))))));
  // the statuses arrive when the assessments have been computed (the whole store: slower)
  statuses.then((maps) => {
    for (const cell of results.querySelectorAll("td[data-target]")) {
      const map = maps[STATUS_TARGETS.indexOf(cell.dataset.target)];
      const a = map && map.get(cell.dataset.code);
      cell.replaceChildren(a ? statusBadge(a.status, cell.dataset.target) : "—");
      cell.removeAttribute("aria-busy");
    }
  });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (pages > 1) {
    const go = (p) => navigate("/", { ...Object.fromEntries(params), page: String(p) });
    results.append(h("nav", { class: "pagination", "aria-label": t("pagination") },
      h("button", { type: "button", disabled: s.page <= 1, onclick: () => go(s.page - 1) }, t("prev")),
      h("span", { "aria-current": "page" }, t("page", s.page, pages)),
      h("button", { type: "button", disabled: s.page >= pages, onclick: () => go(s.page + 1) }, t("next"))));
  }
  if (submitted) {
    submitted = false;
    results.querySelector("h2").focus();
  }
}
