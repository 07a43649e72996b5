// Provision page: the article in its context (every paragraph and item, the one asked for marked,
// with its divisions and instrument), the level assignments, level reviews (层级校核) and
// entrustments (委托规定) bearing on it, and the items relying
// on it with their status now and if the provision allowed the target level (impact list).
import { getJson } from "../api.js";
import { nestTitles } from "../citation.js";
import { field, h, highlight, select, zh } from "../dom.js";
import { authorityLabel, colon, joinList, levelLabel, t, TARGETS, termLabel, versionStanding } from "../i18n.js";
import { errorBox, itemHref, loadingBox, navigate, pageTitle, provisionHref, term } from "../ui.js";
import { statusBadge } from "./devolution.js";
import { actCell, reviewTable } from "./item.js";

const LAW = "https://w3id.org/quanze/id/law/";

function provisionPath(id) {
  const rel = id.startsWith(LAW) ? id.slice(LAW.length) : id;
  return `/provisions/${rel.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * An item (项) of a paragraph, linked by its number. Its text mostly opens with that number itself
 * (（一）…): then that opening is the link, rather than 第一项 beside it saying the same again.
 */
function point(pt, phrases) {
  const text = pt.text || "";
  const n = /^第(.+)项$/.exec(pt.number || "")?.[1];
  const own = n ? [`（${n}）`, `(${n})`, `${n}、`].find((x) => text.startsWith(x)) : null;
  const link = (label) => h("a", { class: own ? "num own" : "num", href: provisionHref(pt.iri), "aria-label": pt.number || "" }, label);
  return h("li", { class: pt.selected ? "selected" : null, id: pt.selected ? "selected-provision" : null, dataset: { iri: pt.iri } },
    own ? [link(own), highlight(text.slice(own.length), phrases)] : [link(pt.number || ""), " ", highlight(text, phrases)]);
}

function impactRows(body) {
  if (Array.isArray(body)) return body;
  return body.items || body.impact || [];
}

export async function provisionPage({ main, params, signal }) {
  const id = params.get("id") || "";
  const cite = params.get("cite") || "";
  const target = TARGETS.includes(params.get("to")) ? params.get("to") : "县级";
  main.append(pageTitle(t("provTitle")), h("p", { class: "intro" }, t("provIntro")));
  const citeInput = h("input", { type: "text", name: "cite", value: cite, placeholder: t("citePlaceholder"), autocomplete: "off" });
  const toSel = select("to", TARGETS.map((x) => [x, levelLabel(x)]), target);
  const form = h("form", { class: "filters", role: "search", "aria-label": t("provForm") },
    (() => { const f = field(t("cite"), citeInput); f.classList.add("wide"); return f; })(),
    field(t("impactTarget"), toSel),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("lookup"))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const c = citeInput.value.trim();
    navigate("/provision", c && c !== cite ? { cite: c, to: toSel.value } : { id, cite: id ? "" : c, to: toSel.value });
  });
  main.append(form);
  if (!id && !cite) return;

  const loading = loadingBox();
  main.append(loading);
  let p;
  try {
    p = id ? await getJson(provisionPath(id), null, { signal }) : await getJson("/provisions", { cite }, { signal });
  } catch (e) {
    loading.remove();
    if (e.name === "AbortError") throw e;
    main.append(errorBox(e));
    return;
  }
  const provision = p.provision || p;
  let impact = null;
  try {
    impact = impactRows(await getJson("/impact", { provision: provision.iri, to: target }, { signal }));
  } catch (e) {
    if (e.name === "AbortError") throw e;
    impact = null; // fall back to the items the provision answer lists
  }
  loading.remove();
  const inst = provision.instrument || {};
  const phrases = [...(provision.level_assignments || []), ...(provision.entrustments || [])].map((a) => a.evidence).filter(Boolean);
  const cited = provision.citation ? nestTitles(provision.citation) : provision.iri;
  main.querySelector("h1").replaceChildren(zh(cited));
  document.title = `${cited} · Quanze 权责`;

  const ctx = provision.context || {};
  const divisions = (ctx.divisions || []).map((d) => [d.number, d.title].filter(Boolean).join(" ")).filter(Boolean);
  main.append(h("section", { class: "card", "aria-labelledby": "ctx-h" },
    h("h2", { id: "ctx-h" }, t("articleInContext")),
    h("dl", { class: "meta" },
      [[t("instrument"), inst.title ? zh(inst.title) : null], [t("instrumentType"), inst.type ? term(inst.type) : null],
        [t("issuer"), inst.issuer ? zh(inst.issuer) : null],
        [t("version"), [inst.version_date, versionStanding(inst.current, inst.status)].filter(Boolean).join(" · ")],
        [t("authority"), inst.authority ? authorityLabel(inst.authority) : null]]
        .filter(([, v]) => v).map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v)))),
    divisions.length ? h("p", { class: "breadcrumb", lang: "zh-CN" }, divisions.join(" › ")) : null,
    h("div", { class: "article", lang: "zh-CN" },
      h("h3", null, ctx.number || provision.article || ""),
      (ctx.paragraphs || []).map((par) => h("div", { class: `paragraph${par.selected ? " selected" : ""}`,
        id: par.selected ? "selected-provision" : null, dataset: { iri: par.iri } },
      h("a", { class: "num", href: provisionHref(par.iri), "aria-label": par.number || "" }, par.number || ""),
      h("p", null, highlight(par.text || "", phrases)),
      par.items && par.items.length ? h("ol", { class: "points" }, par.items.map((pt) => point(pt, phrases))) : null))),
    (provision.level_assignments || []).length ? h("table", { class: "data compact" },
      h("caption", null, t("assignments")),
      h("thead", null, h("tr", null, [t("graphProvision"), t("level"), t("evidence"), t("act")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, provision.level_assignments.map((a) => h("tr", null,
        h("td", null, zh(a.unit_label || "")), h("td", null, levelLabel(a.level)),
        h("td", null, a.evidence ? h("mark", { lang: "zh-CN" }, a.evidence) : "—"), actCell(a))))) : null,
    reviewTable(provision.level_reviews, "review-table"),
    (provision.entrustments || []).length ? h("table", { class: "data compact", id: "entrustment-table" },
      h("caption", null, t("entrustments")),
      h("thead", null, h("tr", null, [t("graphProvision"), t("entrustingLevel"), t("entrustedLevels"), t("evidence")]
        .map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, provision.entrustments.map((e) => h("tr", null,
        h("td", null, zh(e.unit_label || "")), h("td", null, levelLabel(e.from_level)),
        h("td", null, (e.to_levels || []).length ? joinList(e.to_levels.map(levelLabel)) : t("levelOpen")),
        h("td", null, h("mark", { lang: "zh-CN" }, e.evidence)))))) : null,
    h("p", { class: "small muted" }, `${t("provisionIri")}: `, h("code", { class: "iri" }, provision.iri))));

  const rows = impact || (provision.items || []);
  const cites = new Map((provision.items || []).map((it) => [it.code, it.cites || []]));
  main.append(h("section", { class: "card", "aria-labelledby": "impact-h" },
    h("h2", { id: "impact-h" }, t("impact"), h("span", { class: "muted" }, ` (${rows.length})`)),
    rows.length ? h("div", { class: "table-scroll" }, h("table", { class: "data", id: "impact-table" },
      h("thead", null, h("tr", null, [t("code"), t("name"), t("department"), t("levels"), t("citedAs"),
        ...(impact ? [`${t("statusNow")}（${levelLabel(target)}）`, t("statusIfAmended")] : [])].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, rows.map((r) => h("tr", { dataset: { code: r.code } },
        h("td", { class: "code" }, h("a", { href: itemHref(r.code) }, r.code)), h("td", null, zh(r.name)),
        h("td", null, zh(r.department || "—")), h("td", null, joinList((r.levels || []).map(levelLabel))),
        h("td", null, (cites.get(r.code) || []).map((c, i) => [i ? h("br") : null, colon(termLabel(c.role)), zh(nestTitles(c.citation))])),
        impact ? [h("td", null, statusBadge(r.status, target)), h("td", null, statusBadge(r.status_if_amended, target))] : null)))))
      : h("p", { class: "muted" }, t("noImpact"))));
  const sel = document.getElementById("selected-provision");
  if (sel && !params.get("noscroll")) sel.scrollIntoView({ block: "center" });
}
