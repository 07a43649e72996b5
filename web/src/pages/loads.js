// Loads: what is loaded (GET /loads), uploading a 权责清单, 调整事项目录 or 层级校核表 (POST /loads,
// multipart, with the write token) and removing a load (DELETE /loads/{name}). The answer is
// shown as the API gives it: what was stored, or every problem with its file, row and column.
// The token is kept in this tab's sessionStorage only — never in localStorage, never in an
// address (the input has no name, so no form submission can carry it either).
import { getJson } from "../api.js";
import { field, h, newId, zh } from "../dom.js";
import { changedHere } from "../freshness.js";
import { colon, getLang, joinList, t } from "../i18n.js";
import { announce, errorBox, loadingBox, pageTitle } from "../ui.js";
import { findingMessage, ruleName, severityBadge } from "./validation.js";

const TOKEN_KEY = "quanze.token";
/** Kinds of load that are lists (quanze.catalog.LIST_KINDS): validated on the way in, removable. */
const LIST_KINDS = ["items", "adjustments", "reviews"];

function savedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
}

function keepToken(value) {
  try {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage may be disabled: the field still holds it */ }
}

/** The half of an API message ("中文 / English", the slash sometimes right after a 全角 bracket) in the
 * interface language, without "the store is unchanged", which the page says itself. */
export function messageIn(message) {
  const text = String(message ?? "");
  let at = text.indexOf(" / ");
  let next = at + 3;
  if (at < 0) { // "…或强制删除（force=true）/ … was not removed": the slash right after a 全角 bracket
    at = text.search(/[）)”」]\/ /) + 1;
    next = at + 2;
  }
  if (at <= 0) return text;
  const half = getLang() === "en" ? text.slice(next) : text.slice(0, at);
  return half.replace(/(；库未改变|; the store is unchanged)$/, "");
}

/** A write with the token → {status, body}; status 0 when the service cannot be reached. */
async function send(method, path, token, body) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body, cache: "no-store", credentials: "same-origin" });
  } catch {
    return { status: 0, body: { message: "无法连接服务 / the service cannot be reached" } };
  }
  const text = await res.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = { message: text || res.statusText }; }
  return { status: res.status, body: parsed && typeof parsed === "object" ? parsed : { message: String(parsed) } };
}

function kindLabel(kind) {
  const key = `kind_${kind}`;
  const label = t(key);
  return label === key ? (kind || "—") : label;
}

function shownTime(time) {
  return time ? time.replace("T", " ").replace(/\.\d+/, "").replace(/Z$/, "") : "—";
}

function validationCell(r) {
  if (!LIST_KINDS.includes(r.kind)) return h("td", { title: t("notAListHint") }, "—");
  if (!r.report) return h("td", null, h("span", { class: "badge sev-warning", dataset: { state: "unvalidated" } }, t("unvalidatedState")));
  if (r.accepted_violations) {
    return h("td", null, h("span", { class: "badge sev-violation", dataset: { state: "accepted" } },
      t("acceptedState", r.accepted_violations)));
  }
  return h("td", null, h("span", { class: "badge sev-info", dataset: { state: "validated" } }, t("validatedState")));
}

function stat(label, value, id) {
  return h("div", null, h("dt", null, label), h("dd", id ? { id } : null, value));
}

function problemTable(problems) {
  return h("div", { class: "table-scroll" }, h("table", { class: "data problems", id: "problem-table" },
    h("thead", null, h("tr", null, [t("file"), t("row"), t("column"), t("problemKind"), t("message")]
      .map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null, problems.map((p) => h("tr", { dataset: { row: p.row ?? "", column: p.column ?? "", severity: p.severity || "" } },
      h("td", null, zh(p.file || "—")),
      h("td", { class: "num" }, p.row ?? "—"),
      h("td", null, p.column ? zh(p.column) : "—"),
      h("td", null, h("span", { class: `badge sev-${p.severity === "warning" ? "warning" : "violation"}` },
        ["error", "violation", "warning"].includes(p.severity) ? t(`sev_${p.severity}`) : (p.severity || ""))),
      h("td", null, getLang() === "en" ? (p.en || p.zh) : zh(p.zh || p.en)))))));
}

function violationTable(results) {
  return h("div", { class: "table-scroll" }, h("table", { class: "data findings", id: "report-violations" },
    h("thead", null, h("tr", null, [t("severity"), t("itemTitle"), t("rule"), t("message"), t("value")]
      .map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", null, results.map((f) => h("tr", null,
      h("td", null, severityBadge(f.severity)),
      // not linked: a rejected load's items were not stored
      h("td", null, f.focus_code ? [h("span", { class: "code-cell" }, f.focus_code), " ", zh(f.focus_name || "")] : h("span", { class: "iri" }, f.focus || "")),
      h("td", null, ruleName(f)),
      h("td", null, findingMessage(f)),
      h("td", null, zh(f.value_label || f.value || "—")))))));
}

/** The explanation of a refused write (401, 403, 409, 413, 415, anything else), as an alert box. */
function refusal(status, body, { removing = false } = {}) {
  const message = messageIn(body.message || body.detail || "");
  const box = h("div", { class: "error refusal", role: "alert", dataset: { status: String(status) } });
  if (status === 401) {
    box.append(h("h2", { tabindex: "-1" }, t("tokenRefused"), ` (HTTP 401)`), h("p", null, message),
      h("p", { class: "explain" }, t("tokenExplained")));
  } else if (status === 403) {
    box.append(h("h2", { tabindex: "-1" }, t("readOnlyTitle"), ` (HTTP 403)`), h("p", null, message),
      h("p", { class: "explain" }, t("readOnlyExplained")));
  } else {
    box.append(h("h2", { tabindex: "-1" }, removing ? t("notRemovedTitle") : t("notLoadedTitle"), status ? ` (HTTP ${status})` : ""),
      h("p", null, message), status === 413 ? h("p", { class: "explain" }, t("tooLarge")) : null);
  }
  box.append(h("p", null, h("strong", null, removing ? t("nothingRemoved") : t("nothingStored"))));
  return box;
}

function storedAnswer(body) {
  const report = body.validation;
  const violations = report ? (report.results || []).filter((f) => f.severity === "Violation") : [];
  const problems = body.problems || [];
  const state = !report ? t("unvalidatedState")
    : report.violations ? t("acceptedViolations", report.violations) : t("validatedState");
  return h("div", { class: "stored", role: "status" },
    h("h2", { tabindex: "-1" }, t("storedTitle")),
    h("p", null, t("storedSummary", body.name)),
    h("dl", { class: "stats" },
      stat(t("loadCol"), zh(body.name), "stored-name"),
      stat(t("kind"), kindLabel(body.kind)),
      stat(t("file"), zh(body.file_name)),
      stat(t("storedRows"), `${body.stored_rows} / ${body.rows}`, "stored-rows"),
      stat(t("triples"), String(body.triples), "stored-triples"),
      stat(t("inserted"), String(body.inserted)),
      stat(t("deleted"), String(body.deleted)),
      stat(t("validationState"), state, "stored-validation")),
    problems.length ? [h("h3", null, t("problemsTitle"), h("span", { class: "muted" }, ` (${problems.length})`)), problemTable(problems)] : null,
    violations.length ? [h("h3", null, t("reportViolations"), h("span", { class: "muted" }, ` (${violations.length})`)),
      violationTable(violations)] : null);
}

function rejectedAnswer(body) {
  const problems = body.problems || [];
  const violations = ((body.validation && body.validation.results) || []).filter((f) => f.severity === "Violation");
  const hasErrors = problems.some((p) => p.severity === "error");
  const hasViolations = violations.length || problems.some((p) => p.severity === "violation");
  return h("div", { class: "error rejected", role: "alert", dataset: { status: "422" } },
    h("h2", { tabindex: "-1" }, t("rejectedTitle"), " (HTTP 422)"),
    h("p", null, messageIn(body.message)),
    h("p", null, h("strong", { id: "nothing-stored" }, t("nothingStored"))),
    problems.length ? [h("h3", null, t("problems"), h("span", { class: "muted" }, ` (${problems.length})`)), problemTable(problems)] : null,
    hasErrors ? h("p", { class: "explain" }, t("problemsHintErrors")) : null,
    hasViolations ? h("p", { class: "explain" }, t("problemsHintViolations")) : null,
    violations.length ? [h("h3", null, t("reportViolations"), h("span", { class: "muted" }, ` (${violations.length})`)),
      violationTable(violations)] : null);
}

export async function loadsPage({ main }) {
  main.append(pageTitle(t("loadsTitle")), h("p", { class: "intro" }, t("loadsIntro")));

  // the form
  const fileInput = h("input", { type: "file", name: "file", accept: ".csv,.xlsx,.xlsm", required: true });
  const nameInput = h("input", { type: "text", name: "name", autocomplete: "off", placeholder: t("loadNamePlaceholder") });
  const byInput = h("input", { type: "text", name: "by", autocomplete: "on" });
  const skipBox = h("input", { type: "checkbox", name: "skip_bad_rows", value: "true" });
  const acceptBox = h("input", { type: "checkbox", name: "accept_violations", value: "true" });
  // no name: a form submission never carries it; its value is set as a property, never as an attribute
  const tokenInput = h("input", { type: "password", autocomplete: "off", spellcheck: "false", autocapitalize: "off" });
  tokenInput.value = savedToken();
  tokenInput.addEventListener("input", () => keepToken(tokenInput.value.trim()));
  const check = (box, label, hint) => {
    box.id = newId("opt");
    const hid = newId("hint");
    box.setAttribute("aria-describedby", hid);
    return h("div", { class: "field check option" }, box,
      h("div", null, h("label", { for: box.id }, label), h("p", { class: "hint", id: hid }, hint)));
  };
  const submit = h("button", { type: "submit", class: "primary", id: "upload-submit" }, t("upload"));
  const form = h("form", { class: "card upload-form", id: "upload-form", method: "post", "aria-labelledby": "upload-h" },
    h("h2", { id: "upload-h" }, t("uploadTitle")),
    h("div", { class: "upload-fields" },
      field(t("uploadFile"), fileInput, t("uploadFileHint")),
      field(t("loadName"), nameInput),
      field(t("loadBy"), byInput, t("loadByHint"))),
    h("div", { class: "upload-options" },
      check(skipBox, t("skipBadRows"), t("skipBadRowsHint")),
      check(acceptBox, t("acceptViolations"), t("acceptViolationsHint"))),
    h("div", { class: "upload-token" },
      field(t("token"), tokenInput, t("tokenHint")),
      h("button", { type: "button", class: "secondary", id: "forget-token", onclick: () => {
        tokenInput.value = "";
        keepToken("");
        tokenInput.focus();
      } }, t("forgetToken"))),
    h("div", { class: "actions" }, submit));
  const result = h("section", { class: "load-result", id: "load-result", "aria-live": "polite" });
  const listSection = h("section", { class: "card", "aria-labelledby": "loads-h", id: "loads-list" });
  main.append(form, result, listSection);
  // A service started without a token takes no write: say so before anyone fills in the form.
  getJson("/health").then((health) => {
    if (health && health.writable === false) {
      form.before(h("p", { class: "notice", role: "status", id: "read-only-notice" },
        h("strong", null, t("readOnlyTitle")), " ", t("readOnlyExplained")));
    }
  }).catch(() => {});

  const token = () => tokenInput.value.trim();
  const tokenOk = () => {
    if (/^[\x21-\x7e]*$/.test(token())) return true;
    result.replaceChildren(h("div", { class: "error", role: "alert" }, h("p", null, t("tokenNotAscii"))));
    tokenInput.focus();
    return false;
  };
  const show = (...nodes) => {
    result.replaceChildren(...nodes);
    const heading = result.querySelector("h2");
    if (heading) {
      heading.focus();
      announce(heading.textContent);
    }
  };

  const drawList = async (justLoaded) => {
    let body;
    try {
      body = await getJson("/loads");
    } catch (e) {
      listSection.replaceChildren(h("h2", { id: "loads-h" }, t("loadsList")), errorBox(e, () => drawList()));
      return;
    }
    const records = [...(body.loads || [])].sort((a, b) => (b.time || "").localeCompare(a.time || ""));
    listSection.replaceChildren(
      h("h2", { id: "loads-h" }, t("loadsList"), h("span", { class: "muted", id: "loads-count" }, ` (${t("loadsCount", records.length)})`)),
      records.length ? h("div", { class: "table-scroll" }, h("table", { class: "data", id: "loads-table" },
        h("thead", null, h("tr", null, [t("loadCol"), t("kind"), t("file"), t("rows"), t("triples"), t("time"), t("by"),
          t("validationState"), t("actionsCol")].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", null, records.map((r) => h("tr", { dataset: { name: r.name, kind: r.kind || "" },
          class: r.name === justLoaded ? "just-loaded" : null },
        h("th", { scope: "row" }, zh(r.name)),
        h("td", null, kindLabel(r.kind)),
        h("td", null, zh(r.file_name || "—")),
        h("td", { class: "num" }, r.rows ?? "—"),
        h("td", { class: "num" }, r.triples ?? "—"),
        h("td", { class: "small" }, shownTime(r.time)),
        h("td", null, r.by ? zh(r.by) : "—"),
        validationCell(r),
        h("td", null, LIST_KINDS.includes(r.kind) ? h("button", { type: "button", class: "secondary remove",
          "aria-label": t("removeLabel", r.name), onclick: () => remove(r.name) }, t("remove")) : ""))))))
        : h("p", { class: "muted" }, t("noLoads")),
      (body.unrecorded_graphs || []).length ? h("p", { class: "notice", id: "unrecorded-notice" }, colon(t("unrecorded")),
        h("span", { class: "iri" }, joinList(body.unrecorded_graphs))) : ""); // replaceChildren() would print null
  };

  const afterChange = async (justLoaded) => {
    await changedHere(); // the data token of what is drawn next: this page's own change is no news to it
    await drawList(justLoaded);
  };

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!tokenOk()) return;
    const file = fileInput.files && fileInput.files[0];
    if (!file) { fileInput.focus(); return; }
    const data = new FormData();
    data.append("file", file, file.name);
    if (nameInput.value.trim()) data.append("name", nameInput.value.trim());
    if (byInput.value.trim()) data.append("by", byInput.value.trim());
    if (skipBox.checked) data.append("skip_bad_rows", "true");
    if (acceptBox.checked) data.append("accept_violations", "true");
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    result.replaceChildren(h("p", { class: "loading", role: "status" }, t("uploading")));
    try {
      const { status, body } = await send("POST", "/loads", token(), data);
      if (status === 201) {
        show(storedAnswer(body));
        await afterChange(body.name);
      } else if (status === 422 && Array.isArray(body.problems)) {
        show(rejectedAnswer(body));
      } else {
        show(refusal(status, body));
      }
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });

  const removed = (body) => h("div", { class: "stored", role: "status" },
    h("h2", { tabindex: "-1" }, t("removedTitle")),
    h("p", null, t("removedSummary", body.name)),
    Object.keys(body.left_pointing || {}).length ? h("p", null, colon(t("leftPointing")),
      zh(joinList(Object.entries(body.left_pointing).map(([n, k]) => `${n}（${k}）`)))) : null,
    (body.renewed_reports || []).length ? h("p", null, colon(t("renewedReports")), zh(joinList(body.renewed_reports))) : null);

  const removeRefused = (name, body) => {
    const deps = body.dependents || {};
    const listed = Object.entries(deps).map(([n, k]) => `${n}（${k}）`);
    return h("div", { class: "error refusal", role: "alert", dataset: { status: "409" } },
      h("h2", { tabindex: "-1" }, t("removeRefusedTitle"), " (HTTP 409)"),
      h("p", null, messageIn(body.message)),
      h("p", null, t("dependents")),
      h("table", { class: "data compact", id: "dependents-table" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, t("loadCol")), h("th", { scope: "col", class: "num" }, t("nodes")))),
        h("tbody", null, Object.entries(deps).map(([n, k]) => h("tr", { dataset: { name: n } }, h("td", null, zh(n)), h("td", { class: "num" }, String(k)))))),
      h("p", null, h("strong", null, t("nothingRemoved"))),
      h("button", { type: "button", class: "primary", id: "force-remove", onclick: () => {
        if (window.confirm(t("confirmForce", name, joinList(listed)))) remove(name, { force: true, confirmed: true });
      } }, t("forceRemove")));
  };

  async function remove(name, { force = false, confirmed = false } = {}) {
    if (!confirmed && !window.confirm(t("confirmRemove", name))) return;
    if (!tokenOk()) return;
    result.replaceChildren(h("p", { class: "loading", role: "status" }, t("removing")));
    const path = `/loads/${encodeURIComponent(name)}${force ? "?force=true" : ""}`;
    const { status, body } = await send("DELETE", path, token());
    if (status === 200) {
      show(removed(body));
      await afterChange();
    } else if (status === 409 && body.dependents) {
      show(removeRefused(name, body));
    } else if (status === 404) {
      show(refusal(status, body, { removing: true }));
      await afterChange(); // removed by someone else meanwhile: the list says so
    } else {
      show(refusal(status, body, { removing: true }));
    }
  }

  listSection.append(loadingBox());
  await drawList();
}
