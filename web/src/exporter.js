// Downloads of a list of assessments: CSV (UTF-8 with BOM, so Excel reads the Chinese) and XLSX.
import { authorityLabel, getLang, joinList, levelLabel, statusLabel, t } from "./i18n.js";

/** The evidence, and who reviewed the level when it comes from a level review (层级校核), as the CLI's. */
function said(b) {
  if (!b.review) return b.evidence || "";
  const who = [b.review.by, b.review.date].filter(Boolean).join("，");
  return `${b.evidence || ""}（校核：${who}）`;
}

/** One row per blocking provision (one row for an item with none), as ``quanze blockers --format csv``. */
export function flatRows(assessments) {
  const rows = [];
  for (const a of assessments) {
    const head = [a.code, a.name, a.type, a.department || "", joinList((a.levels || []).map(levelLabel)), levelLabel(a.target),
      statusLabel(a.status, a.target), a.sensitive ? t("yes") : "", a.city_set_licence ? t("yes") : "", a.needs_legal_change ? t("yes") : ""];
    const blocking = a.blocking || [];
    const tail = [(a.chain_blocked_by || []).join("；"), entrustCell(a)];
    // a licence only a city's instrument sets is cancelled by that city: who changes it, as the CLI's row says
    if (!blocking.length) rows.push([...head, ...Array(8).fill(""), a.city_set_licence ? cityAmends() : "", "", ...tail]);
    // a paragraph fixing two levels (国家级、省级) is two rows, told apart by 规定层级, as the CLI's
    for (const b of blocking) {
      rows.push([...head, b.instrument || "", b.article || "", b.paragraph || "", b.item || "", b.instrument_type || "",
        b.issuer || "", said(b), levelLabel(b.level_label || ""), amender(b), b.text || "", ...tail]);
    }
  }
  return rows;
}

/** Who cancels a licence a city set: in Chinese the service's words (quanze.devolution.AUTHORITY_ZH), else the interface's. */
function cityAmends() {
  return getLang() === "zh" ? "市级层面：由设区的市修改或废止" : authorityLabel("municipal");
}

/** Who must amend: in Chinese the service's words, as the CLI writes them; else the interface's. */
function amender(b) {
  return getLang() === "zh" && b.authority_label ? b.authority_label : authorityLabel(b.authority);
}

/** The 委托 path of a blocked item: 可 with the provisions that allow it, or 否 with why not. */
function entrustCell(a) {
  const path = (a.blocking || []).length ? (a.alternatives || []).find((x) => x.path === "entrust") : null;
  if (!path) return "";
  if (getLang() === "en") return path.available ? `yes: ${(path.basis || []).join("; ")}` : `no: ${path.note_en || path.note || ""}`;
  return path.available ? `可：${(path.basis || []).join("、")}` : `否：${path.note || ""}`;
}

// A cell that would start a formula in a spreadsheet program (=, +, -, @, tab, CR) is written
// behind an apostrophe, which makes it text — as quanze.tables.write_table does, and
// quanze.tables.read_table takes the apostrophe off again.
function csvCell(v) {
  let s = String(v ?? "");
  if (/^'*[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header, rows) {
  return "\ufeff" + [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

export function download(filename, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

export function downloadCsv(filename, assessments) {
  download(filename, new Blob([toCsv(t("csvHeader"), flatRows(assessments))], { type: "text/csv;charset=utf-8" }));
}

export async function downloadXlsx(filename, assessments, sheetName) {
  const XLSX = await import("xlsx");
  const ws = XLSX.utils.aoa_to_sheet([t("csvHeader"), ...flatRows(assessments)]);
  ws["!cols"] = t("csvHeader").map((_, i) => ({ wch: [14, 24, 10, 22, 10, 6, 14, 6, 6, 6, 30, 10, 8, 8, 10, 20, 30, 8, 20, 60, 20, 40][i] || 12 }));
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, (sheetName || "devolution").slice(0, 31));
  const data = XLSX.write(wb, { bookType: "xlsx", type: "array", compression: true });
  download(filename, new Blob([data], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
}
