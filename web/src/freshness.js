// Says when what the page shows may be out of date: the service cannot be reached, or its data
// changed (a list loaded, replaced or removed, a write through the API) since the page was drawn.
// GET /health answers a token that changes with the data; it is asked when the page is drawn,
// which sets what the page shows, and then half a minute after the last answer while the page is
// visible — never more often, so an unreachable service costs one failed request (logged by the
// browser) every half minute. The offline notice can ask again at once.
import { forgetCached } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

const EVERY_MS = 30_000;
let known = null; // the data token last answered
let drawnWith = null; // the token of the data the page shows ("" when it may be older than that)
let state = "fresh"; // fresh | changed | offline
let rerender = () => {};
let nextCheck = null; // the timer of the next check, null once it has fired
let asked = 0; // checks made: an answer arriving after a later check's is dropped

async function dataToken() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const res = await fetch("/health", { headers: { Accept: "application/json" }, signal: controller.signal, cache: "no-store" });
    if (!res.ok) return null;
    return (await res.json()).data ?? null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

function show() {
  const bar = document.getElementById("freshness");
  if (!bar) return;
  const focused = bar.contains(document.activeElement); // the retry button, pressed: keep the focus there
  bar.replaceChildren();
  bar.hidden = state === "fresh";
  bar.className = `notice freshness ${state}`;
  if (state === "offline") {
    bar.append(t("staleOffline"), " ", h("button", { type: "button", class: "secondary", id: "freshness-retry",
      onclick: check }, t("retry")));
  }
  if (state === "changed") {
    bar.append(t("staleChanged"), " ", h("button", { type: "button", class: "secondary", id: "freshness-reload",
      onclick: () => { forgetCached(); rerender(); } }, t("reload")));
  }
  if (focused) bar.querySelector("button")?.focus();
}

/** The next check, half a minute from now: made when the page is visible, else when it is shown. */
function schedule() {
  clearTimeout(nextCheck);
  nextCheck = setTimeout(() => { nextCheck = null; if (document.visibilityState === "visible") check(); }, EVERY_MS);
}

/** Ask /health now; say whether the page is out of date. */
export async function check() {
  const mine = ++asked;
  clearTimeout(nextCheck);
  const token = await dataToken();
  if (mine !== asked) return; // a later check was made meanwhile: its answer is the newer word
  schedule();
  if (token === null) {
    state = "offline";
  } else {
    const moved = known !== null && token !== known;
    if (moved) forgetCached(); // lists kept for the page's lifetime are of the old data
    known = token;
    // a page drawn as the data moved may have been drawn from what was kept: out of date too
    if (drawnWith === null) drawnWith = moved ? "" : token;
    state = token === drawnWith ? "fresh" : "changed";
  }
  show();
}

/** A page is being drawn: from the data as it is now. */
export function pageDrawn() {
  drawnWith = null;
  state = "fresh";
  show();
  return check();
}

/**
 * This page changed the data itself (an upload, a removal) and draws what it shows again from the
 * new data: what was kept is dropped, and the next answer is taken as the data the page shows —
 * not as a change since it was drawn. Call it before fetching what is drawn again.
 */
export function changedHere() {
  forgetCached();
  known = null;
  drawnWith = null;
  state = "fresh";
  show();
  return check();
}

/** Start asking; ``render`` draws the current page again (the reload button). */
export function watchFreshness(render) {
  rerender = render;
  // a page shown again is checked if the check it missed is due
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible" && !nextCheck) check(); });
  window.__quanzeFreshness = check; // for tests, which cannot wait half a minute
}
