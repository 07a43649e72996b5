// Routing and shared page pieces (the router itself is in app.js).
import { h, zh } from "./dom.js";
import { t, bilingual, termLabel } from "./i18n.js";

let renderer = () => {};
export function setRenderer(fn) { renderer = fn; }

export function parseHash() {
  const raw = window.location.hash.startsWith("#/") ? window.location.hash.slice(1) : "/";
  const q = raw.indexOf("?");
  const path = decodeURIComponent(q < 0 ? raw : raw.slice(0, q));
  const params = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
  return { path, params };
}

/** Go to ``path`` with ``params`` (pushes a history entry unless replace). */
export function navigate(path, params, { replace = false } = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "" && v !== false) qs.set(k, v);
  const s = qs.toString();
  const hash = `#${path}${s ? `?${s}` : ""}`;
  if (replace) {
    history.replaceState(null, "", hash);
    renderer();
  } else if (window.location.hash === hash) {
    renderer();
  } else {
    window.location.hash = hash;
  }
}

/** A stored term (法律, 设定依据, 依申请 …) in the interface language; left in Chinese, it says so. */
export function term(word) {
  const label = termLabel(word);
  return label === word ? zh(word) : label;
}

export function itemHref(code) { return `#/item/${encodeURIComponent(code)}`; }
export function provisionHref(iri) { return `#/provision?id=${encodeURIComponent(iri)}`; }

/** Announce ``text`` to screen readers (polite). */
export function announce(text) {
  const live = document.getElementById("status-live");
  if (!live) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 30);
}

export function errorBox(err, retry) {
  const status = err && err.status;
  // a failure that may pass (the service unreachable, busy or failing) offers to try the page again
  if (!retry && (!status || status >= 500)) retry = () => renderer();
  return h("div", { class: "error", role: "alert" },
    h("p", null, h("strong", null, status === 404 ? t("notFound") : t("error")), status ? ` (HTTP ${status})` : "",
      ": ", bilingual(err && err.message ? err.message : String(err))),
    retry ? h("button", { type: "button", onclick: retry }, t("retry")) : null);
}

export function loadingBox() {
  return h("p", { class: "loading", role: "status" }, t("loading"));
}

/** The page's h1 (focus target after navigation). */
export function pageTitle(text, ...rest) {
  const heading = h("h1", { tabindex: "-1" }, text, ...rest);
  // the heading's words, whatever elements they are in (an item's code is a <span>)
  document.title = `${heading.textContent.replace(/\s+/g, " ").trim()} · Quanze 权责`;
  return heading;
}
