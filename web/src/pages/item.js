// Item page: overview, devolution assessment for 市级 and 县级, every legal basis with the full
// text and the evidence phrase marked, the 一链办理 chain, recorded actions, validation findings
// and a dependency graph one can click through.
import { getJson } from "../api.js";
import { nestTitles } from "../citation.js";
import { h, highlight, zh } from "../dom.js";
import { authorityLabel, colon, getLang, joinList, levelLabel, t, termLabel, typeLabel, versionStanding } from "../i18n.js";
import { errorBox, itemHref, loadingBox, pageTitle, provisionHref, term } from "../ui.js";
import { citation, statusBadge } from "./devolution.js";
import { findingMessage, ruleName, severityBadge } from "./validation.js";

const TARGETS = ["市级", "县级"];

function dl(pairs) {
  return h("dl", { class: "meta" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "" &&
    !(Array.isArray(v) && !v.length)).map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v))));
}

function section(id, title, ...body) {
  return h("section", { class: "card", id, "aria-labelledby": `${id}-h` }, h("h2", { id: `${id}-h` }, title), ...body);
}

export function provisionLink(b) {
  const cited = b.citation ? nestTitles(b.citation) : citation(b);
  if (b.provision_id || b.provision) {
    return h("a", { href: provisionHref(b.provision || b.provision_id) }, zh(cited));
  }
  return zh(cited);
}

// 层级校核: people's readings of the paragraphs, beside what the extractor read; a current review
// replaces the extracted levels (they are what the assessment used), a stale one no longer does.
/** What a level assignment's 行为 cell says: the act the text names, or for a paragraph people
 * reviewed, that the level is theirs (校核 is no act of the law's). */
export function actCell(a) {
  if (a.review) return h("td", { class: "reviewed" }, t("reviewedReading"), a.review.by ? ["（", zh(a.review.by), "）"] : null);
  return h("td", null, zh(a.act || ""));
}

export function reviewTable(reviews, id) {
  if (!(reviews || []).length) return null;
  const levels = (list) => (list || []).length ? joinList(list.map(levelLabel)) : t("noLevel");
  return h("div", { class: "table-scroll" }, h("table", { class: "data compact reviews", id },
    h("caption", null, t("levelReviews")),
    h("thead", null, h("tr", null, [t("graphProvision"), t("reviewedLevels"), t("extractedLevels"), t("evidence"), t("reviewer"),
      t("reviewDate"), t("note"), t("reviewState")].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null, reviews.map((r) => h("tr", { class: r.current ? null : "muted" },
      h("td", null, zh(r.unit_label || "")), h("td", null, levels(r.level_labels)), h("td", null, levels(r.extracted)),
      h("td", null, r.evidence ? h("mark", { lang: "zh-CN" }, r.evidence) : ""), h("td", null, zh(r.by || "")),
      h("td", null, r.date || ""), h("td", null, zh(r.note || "")),
      h("td", null, r.current ? t("reviewCurrent") : t("reviewStale")))))));
}

function basisCard(b, i) {
  const phrases = (b.level_assignments || []).map((a) => a.evidence).filter(Boolean);
  const version = [b.version_date, versionStanding(b.current, b.instrument_status)].filter(Boolean).join(" · ");
  return h("article", { class: "basis", "aria-labelledby": `basis-${i}-h`, dataset: { provision: b.provision || "" } },
    h("h3", { id: `basis-${i}-h` }, h("span", { class: "role" }, b.role ? term(b.role) : ""), " ", provisionLink(b)),
    dl([[t("instrument"), b.instrument ? zh(b.instrument) : null], [t("instrumentType"), b.instrument_type ? term(b.instrument_type) : null],
      [t("issuer"), b.issuer ? zh(b.issuer) : null], [t("version"), version],
      [t("authority"), b.authority ? authorityLabel(b.authority) : null]]),
    b.lead_in ? h("p", { class: "lead-in law-text", lang: "zh-CN" }, highlight(b.lead_in, phrases)) : null,
    b.text ? h("blockquote", { class: "law-text", lang: "zh-CN" }, highlight(b.text, phrases))
      : h("p", { class: "muted" }, t("notFound")),
    (b.level_assignments || []).length ? h("table", { class: "data compact assignments" },
      h("caption", null, t("levelAssigned")),
      h("thead", null, h("tr", null, [t("graphProvision"), t("level"), t("evidence"), t("act")].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, b.level_assignments.map((a) => h("tr", null,
        h("td", null, zh(a.unit_label || "")), h("td", null, levelLabel(a.level)),
        h("td", { class: "evidence" }, a.evidence ? h("mark", { lang: "zh-CN" }, a.evidence) : "—"), actCell(a))))) : null,
    reviewTable(b.level_reviews, `reviews-${i}`));
}

/** The blocking entries of an assessment by paragraph: one entry per level the paragraph fixes. */
function byProvision(blocking) {
  const groups = new Map();
  for (const b of blocking) {
    const key = b.provision || citation(b);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(b);
  }
  return [...groups.values()];
}

/**
 * A paragraph's blocking reading on one line: its levels and the phrase saying so, marked (a level
 * review need give none: then nothing is marked); each level with its own where they differ.
 */
function reading(entries) {
  const mark = (phrase) => h("mark", { lang: "zh-CN" }, phrase);
  const phrases = [...new Set(entries.map((b) => b.evidence).filter(Boolean))];
  if (phrases.length > 1) {
    return entries.map((b, i) => [i ? "；" : "", levelLabel(b.level_label || ""), b.evidence ? [colon(""), mark(b.evidence)] : null]);
  }
  const levels = [...new Set(entries.map((b) => levelLabel(b.level_label || "")))];
  return [joinList(levels), phrases.length ? [" · ", mark(phrases[0])] : null];
}

function blockingLine(entries) {
  const [b] = entries;
  return h("li", { dataset: { provision: b.provision || "" } },
    b.provision ? h("a", { href: provisionHref(b.provision) }, zh(citation(b))) : zh(citation(b)),
    " ", h("span", { class: `auth au-${b.authority}` }, authorityLabel(b.authority)),
    h("div", { class: "small" }, colon(t("levelAssigned")), reading(entries),
      b.review ? h("span", { class: "reviewed" }, ` · ${t("reviewedBy")} ${b.review.by}${b.review.date ? ` ${b.review.date}` : ""}`) : null));
}

function assessmentCard(target, a) {
  if (!a) return h("div", { class: "assessment" }, h("h3", null, t("statusTo", target)), "—");
  const blocking = a.blocking || [];
  return h("div", { class: "assessment", dataset: { target } },
    h("h3", null, t("statusTo", target), " ", statusBadge(a.status, target)),
    a.security_category ? h("p", null, colon(t("securityCategory")), zh(a.security_category)) : null,
    blocking.length ? h("div", null, h("h4", null, t("blocking")), h("ul", { class: "plain blocking" }, byProvision(blocking).map(blockingLine)))
      : h("p", { class: "muted" }, t("noBlocking")),
    (a.chain_blocked_by || []).length ? h("p", null, colon(t("chainBlockedBy")),
      a.chain_blocked_by.map((c, i) => [i ? "、" : "", h("a", { href: itemHref(c) }, c)])) : null,
    blocking.length && (a.alternatives || []).length ? h("div", null, h("h4", null, t("alternatives")),
      h("ul", { class: "plain" }, a.alternatives.map((x) => h("li", { class: x.conflict ? "conflict" : x.available === false ? "muted" : "" },
        x.path === "recorded" ? [colon(t("recorded")), zh(x.label.replace(/^已记录：/, "")),
          x.to_body ? [" → ", zh(x.to_body)] : null, x.deadline ? ` (${x.deadline})` : null,
          // a recorded 下放/赋权/委托 the blocking provisions do not allow: said, not offered as a path
          x.conflict ? [" — ", getLang() === "en" && x.note_en ? x.note_en : zh(x.note)] : null]
          : [getLang() === "en" && x.label_en ? x.label_en : zh(x.label), x.available === false ? t("unavailable") : null,
            x.note ? [" — ", getLang() === "en" && x.note_en ? x.note_en : zh(x.note)] : null,
            (x.entrustments || []).length ? h("ul", { class: "entrustments" }, x.entrustments.map((e) => h("li", null,
              h("a", { href: provisionHref(e.provision) }, zh(citation(e))), colon(""), h("mark", { lang: "zh-CN" }, e.evidence),
              h("span", { class: "small" }, ` (${levelLabel(e.from_level)} → `,
                (e.to_levels || []).length ? joinList(e.to_levels.map(levelLabel)) : t("levelOpen"), ")")))) : null])))) : null);
}

// A member's status is its own, before the chain (as the chain answer gives it): where the chain
// is blocked through this item, a member would otherwise seem to contradict its own page, which
// gives its status with the chain. The headings say so.
function chainTable(chain) {
  return [h("div", { class: "table-scroll" }, h("table", { class: "data", id: "chain-table", "aria-describedby": "chain-hint" },
    h("thead", null,
      h("tr", null, [t("code"), t("name"), t("relation")].map((c) => h("th", { scope: "col", rowspan: "2" }, c)),
        h("th", { scope: "colgroup", colspan: String(TARGETS.length), title: t("ownStatusHint") }, t("ownStatus"))),
      h("tr", null, TARGETS.map((x) => h("th", { scope: "col" }, t("statusTo", x))))),
    h("tbody", null, chain.map((m) => h("tr", { dataset: { code: m.code } },
      h("td", { class: "code" }, m.exists === false ? m.code : h("a", { href: itemHref(m.code) }, m.code)),
      h("td", null, zh(m.name || "—")),
      h("td", null, m.direction ? zh(m.direction) : "—"),
      TARGETS.map((to) => h("td", null, m.statuses[to] ? statusBadge(m.statuses[to], to) : "—"))))))),
  h("p", { class: "hint", id: "chain-hint" }, t("ownStatusHint"))];
}

export async function itemPage({ main, args, signal, onCleanup }) {
  const code = args[0];
  const loading = loadingBox();
  main.append(loading);
  let detail;
  try {
    detail = await getJson(`/items/${encodeURIComponent(code)}`, null, { signal });
  } catch (e) {
    loading.remove();
    if (e.name === "AbortError") throw e;
    main.append(pageTitle(`${t("itemTitle")} ${code}`), errorBox(e), h("p", null, h("a", { href: "#/" }, t("backToSearch"))));
    return;
  }
  // the chains only for an item that exists: an unknown one has none, and would be three 404s
  const assessed = await Promise.all(TARGETS.map((to) => getJson(`/items/${encodeURIComponent(code)}/chain`, { to }, { signal })
    .catch((e) => { if (e.name === "AbortError") throw e; return null; })));
  loading.remove();
  const item = detail.item || detail;
  const byTarget = Object.fromEntries(TARGETS.map((to, i) => [to, assessed[i] && (assessed[i].assessment || assessed[i])]));

  main.append(pageTitle(h("span", { class: "code" }, item.code), " ", zh(item.name),
    item.sub_item_name ? h("small", null, "（", zh(item.sub_item_name), "）") : null));

  main.append(section("overview", t("overview"), dl([
    [t("code"), item.code], [t("type"), typeLabel(item.type || "")], [t("department"), item.department ? zh(item.department) : null],
    [t("levels"), joinList((item.levels || []).map(levelLabel))],
    [t("sensitiveYes"), item.sensitive ? h("span", { class: "badge sensitive" }, item.security_category || t("yes")) : null],
    [t("implementingBody"), item.implementing_body ? zh(item.implementing_body) : null],
    [t("acceptedAt"), joinList((item.accepted_at || []).map(levelLabel))],
    [t("approvedAt"), joinList((item.approved_at || []).map(levelLabel))],
    [t("handling"), item.handling ? term(item.handling) : null],
    [t("note"), item.note ? zh(item.note) : null],
  ])));

  main.append(section("assessment", t("assessment"),
    h("div", { class: "grid-2" }, TARGETS.map((to) => assessmentCard(to, byTarget[to])))));

  const bases = detail.bases || [];
  main.append(section("bases", t("bases"),
    bases.length ? bases.map((b, i) => basisCard(b, i)) : h("p", { class: "muted" }, t("noBases"))));

  // the chain: related items listed here, with their status from the chain assessments
  const members = new Map();
  for (const to of TARGETS) for (const m of (byTarget[to]?.chain || [])) {
    if (!members.has(m.code)) members.set(m.code, { code: m.code, name: m.name, statuses: {} });
    members.get(m.code).statuses[to] = m.status;
  }
  for (const r of detail.related || []) {
    if (!members.has(r.code)) members.set(r.code, { code: r.code, name: r.name, statuses: {} });
    Object.assign(members.get(r.code), { direction: r.direction_label, exists: r.exists, direct: true });
  }
  for (const m of members.values()) if (!m.direct) m.direction = t("transitive");
  const chain = [...members.values()];
  main.append(section("chain", t("chain"), chain.length ? chainTable(chain) : h("p", { class: "muted" }, t("noChain"))));

  const actions = detail.actions || [];
  main.append(section("actions", t("actions"), actions.length ? h("table", { class: "data" },
    h("thead", null, h("tr", null, [t("actionType"), t("toLevel"), t("toBody"), t("entrusting"), t("deadline"), t("basisDocument")]
      .map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null, actions.map((a) => h("tr", null,
      h("td", null, zh(a.type || a.label || "")), h("td", null, [a.to_level ? levelLabel(a.to_level) : "", a.to_zone ? zh(a.to_zone) : ""]),
      h("td", null, zh(a.to_body || "—")), h("td", null, zh(a.entrusting_body || "—")), h("td", null, a.deadline || "—"),
      h("td", null, zh(a.basis_document || "—"))))))
    : h("p", { class: "muted" }, t("noActions"))));

  const findings = detail.findings || [];
  main.append(section("findings", t("findings"), findings.length ? h("table", { class: "data" },
    h("thead", null, h("tr", null, [t("severity"), t("rule"), t("message"), t("value")].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null, findings.map((f) => h("tr", null,
      h("td", null, severityBadge(f.severity)), h("td", null, ruleName(f)),
      h("td", null, findingMessage(f)), h("td", null, zh(nestTitles(f.value_label || f.value || "—")))))))
    : h("p", { class: "muted" }, t("noFindings"))));

  // the dependency graph
  const graphEl = h("div", { class: "graph", role: "img", "aria-label": `${t("graph")}: ${item.code}` });
  main.append(section("graph", t("graph"), h("p", { class: "hint" }, t("graphHelp")),
    h("ul", { class: "legend", "aria-hidden": "true" }, ["item", "provision", "instrument", "related"].map((k) =>
      h("li", null, h("span", { class: `dot ${k}` }), t(`graph${k[0].toUpperCase()}${k.slice(1)}`)))), graphEl));
  const short = (s) => (s && s.length > 18 ? `${s.slice(0, 17)}…` : s || "");
  const nodes = [{ id: `item:${item.code}`, label: `${item.code}\n${short(item.name)}`, kind: "item" }];
  const edges = [];
  const seen = new Set(nodes.map((n) => n.id));
  const add = (n) => { if (!seen.has(n.id)) { seen.add(n.id); nodes.push(n); } };
  const blocked = new Set(TARGETS.flatMap((to) => (byTarget[to]?.blocking || []).map((b) => b.cited || b.provision)));
  for (const b of bases) {
    const pid = `prov:${b.provision}`;
    add({ id: pid, label: `${b.article || ""}${b.paragraph || ""}${b.item || ""}` || b.citation, kind: "provision",
      href: provisionHref(b.provision), blocked: blocked.has(b.provision) });
    edges.push({ id: `e:${item.code}:${b.provision}:${b.role_code || b.role}`, source: nodes[0].id, target: pid, label: termLabel(b.role || "") });
    if (b.instrument) {
      const iid = `inst:${b.instrument}`;
      add({ id: iid, label: short(nestTitles(`《${b.instrument}》`)), kind: "instrument" });
      if (!edges.some((e) => e.source === pid && e.target === iid)) edges.push({ id: `e:${pid}:${iid}`, source: pid, target: iid, label: "" });
    }
  }
  for (const m of chain.filter((x) => x.direct)) {
    const rid = `item:${m.code}`;
    add({ id: rid, label: `${m.code}\n${short(m.name)}`, kind: "related", href: m.exists === false ? null : itemHref(m.code) });
    edges.push({ id: `e:${item.code}:rel:${m.code}`, source: nodes[0].id, target: rid, label: "" });
  }
  for (const n of nodes) if (n.blocked) n.kind = "provision";
  try {
    const { dependencyGraph } = await import("../graph.js");
    if (!graphEl.isConnected) return;
    const g = dependencyGraph(graphEl, {
      nodes, edges,
      onOpen: (d) => { if (d.href && d.kind !== "item") window.location.hash = d.href.slice(1); },
    });
    for (const n of nodes) if (n.blocked) g.cy.getElementById(n.id).addClass("blocked");
    onCleanup(g.dispose);
  } catch (e) {
    console.error("graph", e);
    graphEl.replaceWith(errorBox(e));
  }
}
