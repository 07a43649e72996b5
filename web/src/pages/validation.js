// The latest SHACL validation report, grouped by rule or by item, with links to the items.
import { getJson } from "../api.js";
import { nestTitles } from "../citation.js";
import { h, zh } from "../dom.js";
import { colon, getLang, joinList, t } from "../i18n.js";
import { errorBox, itemHref, loadingBox, navigate, pageTitle } from "../ui.js";

// one finding's badge: singular (the counts above use the plural)
const SEVERITY_KEY = { Violation: "violation", Warning: "warning", Info: "info" };

/** A finding's message in the interface language (GET /validation gives message and message_en). */
export function findingMessage(f) {
  const lang = getLang();
  if (f.messages) return f.messages[lang] || f.messages.zh || f.messages.en || f.message || "";
  return (lang === "en" && f.message_en) || f.message || f.message_en || "";
}

/** A finding's rule by its name in the interface language (sh:name; zh when there is no en). */
export function ruleName(f) {
  const name = (getLang() === "en" && f.shape_name_en) || f.shape_name || f.shape || "?";
  return getLang() === "en" && f.shape_name_en ? name : zh(name);
}

export function severityBadge(sev) {
  return h("span", { class: `badge sev-${(sev || "").toLowerCase()}` }, t(SEVERITY_KEY[sev] || "info"));
}

export async function validationPage({ main, params, signal }) {
  const groupBy = params.get("group") === "item" ? "item" : "rule";
  main.append(pageTitle(t("valTitle")), h("p", { class: "intro" }, t("valIntro")),
    h("p", { class: "small" }, t("valLoadsHint"), h("a", { href: "#/loads", id: "loads-link" }, t("navLoads"))));
  const loading = loadingBox();
  main.append(loading);
  let report;
  try {
    report = await getJson("/validation", null, { signal });
  } catch (e) {
    loading.remove();
    if (e.status === 404) {
      main.append(h("section", { class: "card empty", id: "validation-empty" }, h("p", null, t("valNone"))));
      return;
    }
    main.append(errorBox(e));
    return;
  }
  loading.remove();
  // lists loaded with --no-validate: no report below speaks for them
  if ((report.unvalidated || []).length) {
    main.append(h("p", { class: "notice", role: "status", id: "unvalidated-notice" },
      colon(t("unvalidated")), zh(joinList(report.unvalidated)), " ", t("unvalidatedHint"), " ",
      h("a", { href: "#/loads" }, t("reloadHere"))));
  }
  if (report.available === false) {
    main.append(h("section", { class: "card empty", id: "validation-empty" }, h("p", null, t("valNone"))));
    return;
  }
  const results = report.results || report.findings || [];
  main.append(h("section", { class: "card summary", "aria-label": t("valTitle") },
    h("dl", { class: "stats" },
      h("div", null, h("dt", null, t("conforms")), h("dd", null, (report.conforms ?? !results.length) ? t("yes") : t("no"))),
      h("div", null, h("dt", null, t("violations")), h("dd", { id: "violation-count" }, String(report.violations ?? results.filter((f) => f.severity === "Violation").length))),
      h("div", null, h("dt", null, t("warnings")), h("dd", null, String(report.warnings ?? results.filter((f) => f.severity === "Warning").length))),
      report.validated !== undefined ? h("div", null, h("dt", null, t("validated")), h("dd", null, String(report.validated))) : null,
      report.superseded ? h("div", { title: t("supersededHint") }, h("dt", null, t("superseded")),
        h("dd", { id: "superseded-count" }, String(report.superseded))) : null,
      report.latest ? h("div", null, h("dt", null, t("latestReport")),
        h("dd", { class: "small" }, zh(report.latest.name), report.latest.time ? ` · ${report.latest.time.replace("T", " ").replace(/\.\d+/, "")}` : "")) : null),
    (report.reports || []).length > 1 ? h("p", { class: "small muted" }, colon(t("reportsIncluded")),
      joinList(report.reports.map((r) => r.name))) : null));
  if (!results.length) {
    main.append(h("section", { class: "card empty", id: "validation-empty" }, h("p", null, t("noFindings"))));
    return;
  }
  const toggle = h("div", { class: "toolbar", role: "group", "aria-label": t("groupBy") },
    h("span", null, colon(t("groupBy"))),
    ["rule", "item"].map((g) => h("button", { type: "button", "aria-pressed": String(g === groupBy),
      class: g === groupBy ? "primary" : "secondary",
      onclick: () => navigate("/validation", { group: g === "rule" ? "" : g }, { replace: true }) },
    t(g === "rule" ? "byRule" : "byItem"))));
  main.append(toggle);

  const groups = new Map();
  for (const f of results) {
    const key = groupBy === "rule" ? (f.shape_name || f.shape || "?") : (f.focus_code || f.focus || "");
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  const ORDER = { Violation: 0, Warning: 1, Info: 2 };
  const worst = (list) => Math.min(...list.map((f) => ORDER[f.severity] ?? 3));
  const keys = [...groups.keys()].sort((a, b) => worst(groups.get(a)) - worst(groups.get(b))
    || groups.get(b).length - groups.get(a).length || a.localeCompare(b, "zh-CN"));
  main.append(h("nav", { class: "card", "aria-label": t("contents") }, h("h2", null, t("contents")),
    h("ul", { class: "toc" }, keys.map((key, i) => {
      const list = groups.get(key);
      const label = groupBy === "rule" ? ruleName(list[0]) : zh([list[0].focus_code || t("noItem"), list[0].focus_name || ""].join(" ").trim());
      return h("li", null, h("button", { type: "button", class: "linklike", onclick: () => {
        const target = document.getElementById(`vg-${i}`);
        target.scrollIntoView({ block: "start" });
        target.focus();
      } }, label), ` (${list.length})`, " ", severityBadge(list.reduce((w, f) => (ORDER[f.severity] < ORDER[w] ? f.severity : w), "Info")));
    }))));
  for (const [i, key] of keys.entries()) {
    const list = groups.get(key);
    const id = `vg-${i}`;
    const heading = groupBy === "rule"
      ? h("h2", { id, tabindex: "-1" }, ruleName(list[0]), h("span", { class: "muted" }, ` (${list.length})`))
      : h("h2", { id, tabindex: "-1" }, list[0].focus_code ? h("a", { href: itemHref(list[0].focus_code) }, list[0].focus_code) : t("noItem"),
        list[0].focus_name ? [" ", zh(list[0].focus_name)] : null, h("span", { class: "muted" }, ` (${list.length})`));
    main.append(h("section", { class: "card", "aria-labelledby": id, dataset: { group: key } }, heading,
      h("div", { class: "table-scroll" }, h("table", { class: "data findings" },
        h("thead", null, h("tr", null,
          h("th", { scope: "col" }, t("severity")),
          h("th", { scope: "col" }, groupBy === "rule" ? t("itemTitle") : t("rule")),
          h("th", { scope: "col" }, t("message")),
          h("th", { scope: "col" }, t("value")))),
        h("tbody", null, list.map((f) => h("tr", null,
          h("td", null, severityBadge(f.severity)),
          h("td", null, groupBy === "rule"
            ? (f.focus_code ? [h("a", { href: itemHref(f.focus_code) }, f.focus_code), " ", zh(f.focus_name || "")] : h("span", { class: "iri" }, f.focus))
            : ruleName(f)),
          h("td", null, findingMessage(f)),
          h("td", null, nestTitles(f.value_label || f.value || "—")))))))));
  }
}
