// SPARQL page: YASGUI (its own prebuilt bundle, loaded on first use) pointed at this service's
// /sparql, with the example queries; results as a table, downloadable from the result bar.
import { citationOfIri } from "../citation.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { EXAMPLES } from "../examples.js";
import { errorBox, itemHref, loadingBox, pageTitle, provisionHref } from "../ui.js";

let loader = null;

function loadYasgui() {
  if (window.Yasgui) return Promise.resolve(window.Yasgui);
  if (!loader) {
    loader = new Promise((resolve, reject) => {
      const css = h("link", { rel: "stylesheet", href: "/static/vendor/yasgui/yasgui.min.css" });
      document.head.append(css);
      const s = h("script", { src: "/static/vendor/yasgui/yasgui.min.js" });
      s.onload = () => (window.Yasgui ? resolve(window.Yasgui) : reject(new Error("YASGUI did not load")));
      s.onerror = () => { loader = null; reject(new Error("YASGUI did not load")); };
      document.head.append(s);
    });
  }
  return loader;
}

// YASR expands a cell it has cut short at the first click in it, and cancels that click: a link to
// one of Quanze's pages keeps its click to itself and opens at once (app.css lets it be clicked).
const openAtOnce = (ev) => ev.stopPropagation();

/**
 * Provisions in the results as citations (《…》第X条第X款) linking to their pages, where the article
 * text is; the IRI stays in the link's title and in every download (YASR draws its table anew on
 * each page of results, so this runs on every change).
 */
function citeProvisions(root) {
  for (const a of root.querySelectorAll(".yasr a.iri:not([data-cited])")) {
    const iri = a.getAttribute("href");
    const cited = citationOfIri(iri);
    a.dataset.cited = "";
    if (!cited) continue;
    cite(a, iri, cited);
    // YASR writes <…> around an IRI no prefix shortens: a citation needs none
    for (const n of [a.previousSibling, a.nextSibling]) if (n?.nodeType === 3 && /^[<>]$/.test(n.textContent)) n.remove();
  }
  citeProvisionLists(root);
}

/** A link shown as the provision's citation, with its IRI in the title, opening the provision's page. */
function cite(a, iri, cited) {
  a.dataset.cited = "";
  a.textContent = cited;
  a.title = iri;
  a.lang = "zh-CN";
  a.href = provisionHref(iri);
  a.target = "_self";
  a.addEventListener("click", openAtOnce);
  return a;
}

/**
 * The provision IRIs a text value is made of, separated by spaces — what
 * GROUP_CONCAT(STR(?provision); separator=" ") gives, as the first example's ``provisions``
 * column —, or null for a value holding anything else (a word, another IRI).
 */
function provisionList(text) {
  const iris = String(text ?? "").trim().split(/\s+/);
  return iris[0] && iris.every((iri) => citationOfIri(iri)) ? iris : null;
}

/**
 * Such a value as those provisions' citations, one a line, each linking to its page; the
 * downloads keep the text as the endpoint gave it. (Done as YASR draws the cell, below; this
 * catches a cell drawn otherwise.)
 */
function citeProvisionLists(root) {
  for (const value of root.querySelectorAll(".yasr .nonIri:not([data-cited])")) {
    value.dataset.cited = "";
    const iris = provisionList(value.textContent);
    if (!iris) continue;
    value.classList.add("citations");
    value.replaceChildren(...iris.map((iri) => cite(h("a", { class: "iri" }), iri, citationOfIri(iri))));
  }
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * YASR's table sets each column's width from the cells as it first draws them, before
 * citeProvisions rewrites them: a provision drawn as its IRI would leave its column as wide as
 * the IRI, and the columns beside it cut short. So a provision, and a value listing provisions, is
 * drawn with its citation from the start (as a link to the IRI, which citeProvisions then points
 * at the provision's page).
 */
function citeAsDrawn(Yasgui) {
  const Table = Yasgui.Yasr?.plugins?.table;
  const cellContent = Table?.prototype?.getCellContent;
  if (typeof cellContent !== "function" || cellContent.citing) return;
  const link = (iri) => `<a class='iri' target='_self' href='${escapeHtml(iri)}'>${escapeHtml(citationOfIri(iri))}</a>`;
  Table.prototype.getCellContent = function getCellContent(binding, prefixes) {
    if (binding?.type === "uri" && citationOfIri(binding.value)) return `<div><span>${link(binding.value)}</span></div>`;
    const iris = binding?.type === "literal" ? provisionList(binding.value) : null;
    if (iris) return `<div><span class='nonIri citations' data-cited>${iris.map(link).join("")}</span></div>`;
    return cellContent.call(this, binding, prefixes);
  };
  Table.prototype.getCellContent.citing = true;
}

const ITEM_CODE = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$/; // 37YJ-XK-0001

/**
 * Item codes in the results (the values of a column named ``code``, as the examples select
 * ``qz:code``) as links to their items' pages; the downloads keep the plain values. Like
 * citeProvisions, on every change.
 */
function linkItemCodes(root) {
  for (const table of root.querySelectorAll(".yasr table")) {
    const column = [...table.querySelectorAll("thead th")].findIndex((th) => th.textContent.trim() === "code");
    if (column < 0) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      const value = row.children[column]?.querySelector(".nonIri:not([data-linked])");
      if (!value) continue;
      value.dataset.linked = "";
      const code = value.textContent.trim();
      if (ITEM_CODE.test(code)) value.replaceChildren(h("a", { href: itemHref(code), class: "item-code", onclick: openAtOnce }, code));
    }
  }
}

/** Give YASGUI's own form controls names a screen reader can read. */
function labelControls(root) {
  const labels = [
    [".autocompleteWrapper input, input.endpointText, .endpointText input", t("endpoint")],
    [".CodeMirror textarea", "SPARQL"],
    [".yasr .dataTables_filter input, .yasr input[type=search]", t("search")],
    [".yasr .dataTables_length select", t("pageSize")],
    [".tabName input, .tab input", "tab"],
  ];
  for (const [sel, label] of labels) {
    for (const el of root.querySelectorAll(sel)) if (!el.getAttribute("aria-label") && !el.labels?.length) el.setAttribute("aria-label", label);
  }
  for (const el of root.querySelectorAll("input, select, textarea")) {
    if (!el.getAttribute("aria-label") && !el.labels?.length && !el.getAttribute("aria-labelledby")) {
      el.setAttribute("aria-label", el.getAttribute("placeholder") || el.getAttribute("title") || el.name || "SPARQL");
    }
  }
}

export async function sparqlPage({ main, onCleanup }) {
  main.append(pageTitle(t("sparqlTitle")), h("p", { class: "intro" }, t("sparqlIntro")));
  const endpoint = `${window.location.origin}/sparql`;
  const examples = h("section", { class: "card", "aria-labelledby": "ex-h" },
    h("h2", { id: "ex-h" }, t("examples")),
    h("p", { class: "muted" }, `${t("endpoint")}: `, h("code", null, endpoint)),
    h("ul", { class: "examples" }, EXAMPLES.map((ex) => h("li", null,
      h("button", { type: "button", class: "secondary", dataset: { example: ex.id }, onclick: () => runExample(ex) }, t(ex.key))))),
    h("p", { class: "hint", id: "examples-rows" }, t("examplesRows")));
  const host = h("section", { class: "card yasgui-host", "aria-label": "SPARQL" });
  main.append(examples, host);
  const loading = loadingBox();
  host.append(loading);
  let Yasgui;
  try {
    Yasgui = await loadYasgui();
  } catch (e) {
    loading.replaceWith(errorBox(e));
    return;
  }
  loading.remove();
  if (!host.isConnected) return;
  citeAsDrawn(Yasgui);
  const yasgui = new Yasgui(host, {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    tabName: "SPARQL",
    yasqe: { value: EXAMPLES[0].query, autocompleters: ["variables", "prefixes"], persistenceId: null,
      editorHeight: "320px", createShareableLink: null },
    yasr: { persistenceId: null, prefixes: { qz: "https://w3id.org/quanze/ns#", qzid: "https://w3id.org/quanze/id/",
      eli: "http://data.europa.eu/eli/ontology#", level: "https://w3id.org/quanze/id/level/" } },
  });
  // YASR's "simple view" by default: values without their datatypes and language tags, and no
  // row-number column (its narrow width ran the numbers into the first value). A tab takes its
  // table settings from its own saved state, not from the options above, so they are set here,
  // before the first result is drawn.
  const table = yasgui.getTab()?.getYasr?.()?.config?.plugins?.table;
  if (table) table.dynamicConfig = { ...(table.dynamicConfig || {}), compact: true };
  const observer = new MutationObserver(() => { labelControls(host); citeProvisions(host); linkItemCodes(host); });
  observer.observe(host, { childList: true, subtree: true });
  labelControls(host);
  onCleanup(() => { observer.disconnect(); try { yasgui.destroy(); } catch { /* ignore */ } });

  function runExample(ex) {
    const tab = yasgui.getTab();
    if (!tab) return;
    tab.setQuery(ex.query);
    tab.getYasqe().query();
    host.querySelector(".CodeMirror")?.scrollIntoView({ block: "start" });
  }
  window.__quanzeYasgui = yasgui; // for tests and the curious
}
