// Quanze web interface: a hash-routed single page over the REST API and /sparql.
//   #/                      search           #/item/{code}        item
//   #/devolution?to=县级     dashboard        #/provision?id=|cite= provision
//   #/validation            validation       #/sparql             SPARQL editor
//   #/loads                 loads: upload a list, remove a load
import { h, clear } from "./dom.js";
import { getLang, setLang, t } from "./i18n.js";
import { errorBox, pageTitle, parseHash, setRenderer } from "./ui.js";
import { pageDrawn, watchFreshness } from "./freshness.js";
import { searchPage } from "./pages/search.js";
import { itemPage } from "./pages/item.js";
import { devolutionPage } from "./pages/devolution.js";
import { provisionPage } from "./pages/provision.js";
import { validationPage } from "./pages/validation.js";
import { sparqlPage } from "./pages/sparql.js";
import { loadsPage } from "./pages/loads.js";

const ROUTES = [
  [/^\/?$/, "search", () => searchPage],
  [/^\/search$/, "search", () => searchPage],
  [/^\/item\/(.+)$/, "search", () => itemPage],
  [/^\/devolution$/, "devolution", () => devolutionPage],
  [/^\/provision$/, "provision", () => provisionPage],
  [/^\/validation$/, "validation", () => validationPage],
  [/^\/sparql$/, "sparql", () => sparqlPage],
  [/^\/loads$/, "loads", () => loadsPage],
];

function applyLanguage() {
  const lang = getLang();
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
  const btn = document.getElementById("lang-toggle");
  btn.textContent = t("langSwitch");
  btn.lang = lang === "en" ? "zh-CN" : "en";
  btn.setAttribute("aria-label", t("langSwitchLabel"));
}

let current = null; // {controller, cleanup} of the page shown

// Leaving a page aborts its requests on purpose (render, below): a request of it that nobody awaits
// any more then rejects with an AbortError, which is no error to report (a browser test saw one as
// "signal is aborted without reason" after moving from the dashboard to the SPARQL page).
window.addEventListener("unhandledrejection", (ev) => {
  if (ev.reason && ev.reason.name === "AbortError") ev.preventDefault();
});

async function render() {
  const { path, params } = parseHash();
  const main = document.getElementById("main");
  if (current) {
    current.controller.abort();
    if (current.cleanup) try { current.cleanup(); } catch { /* ignore */ }
  }
  const controller = new AbortController();
  current = { controller, cleanup: null };
  pageDrawn();
  let match = null;
  for (const [re, nav, page] of ROUTES) {
    const m = path.match(re);
    if (m) { match = { nav, page: page(), args: m.slice(1) }; break; }
  }
  for (const a of document.querySelectorAll(".site-nav a")) {
    if (match && a.dataset.route === match.nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  clear(main);
  if (!match) {
    main.append(pageTitle(t("notFound")), h("p", null, h("a", { href: "#/" }, t("backToSearch"))));
    return;
  }
  const ctx = { main, params, args: match.args, signal: controller.signal, onCleanup: (fn) => { current.cleanup = fn; } };
  try {
    await match.page(ctx);
  } catch (e) {
    if (e && e.name === "AbortError") return;
    console.error(e);
    main.append(errorBox(e, () => render()));
  }
}

let lastPath = null;
window.addEventListener("hashchange", () => {
  if (window.location.hash && !window.location.hash.startsWith("#/")) return; // an in-page anchor
  const { path } = parseHash();
  const moved = path !== lastPath;
  lastPath = path;
  render().then(() => {
    if (moved) {
      const heading = document.querySelector("#main h1");
      (heading || document.getElementById("main")).focus({ preventScroll: true });
      if (!document.getElementById("selected-provision")) window.scrollTo(0, 0);
    }
  });
});

function start() {
  setRenderer(render);
  watchFreshness(render);
  applyLanguage();
  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLang(getLang() === "en" ? "zh" : "en");
    applyLanguage();
    render().then(() => document.getElementById("lang-toggle").focus());
  });
  document.querySelector(".skip-link").addEventListener("click", (ev) => {
    ev.preventDefault();
    const main = document.getElementById("main");
    main.focus();
    main.scrollIntoView();
  });
  lastPath = parseHash().path;
  render();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
