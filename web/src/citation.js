// A provision's IRI read back as the citation legal staff write (《…》第X条第X款第X项), for the
// places that are handed bare IRIs: SPARQL results. Quanze's IRIs are stable and readable
// (docs/vocabulary.md: qzid:law/{title}/{date}/art_{n}[-{insert}]/par_{n}/pt_{n}), so the
// citation comes from the IRI itself, as quanze.devolution.provision_parts reads it.
export const LAW = "https://w3id.org/quanze/id/law/";

const DIGITS = "〇一二三四五六七八九";

/** 123 → 一百二十三, for 1…9999 (as quanze.numerals.to_chinese). */
export function toChinese(n) {
  if (!(n > 0 && n < 10000)) return String(n);
  const out = [];
  let gap = false;
  for (const [unit, name] of [[1000, "千"], [100, "百"], [10, "十"], [1, ""]]) {
    const d = Math.floor(n / unit);
    n %= unit;
    if (d) {
      if (gap && out.length) out.push("零");
      if (!(unit === 10 && d === 1 && !out.length)) out.push(DIGITS[d]); // 十二, not 一十二, at the head
      out.push(name);
      gap = false;
    } else if (out.length) {
      gap = true;
    }
  }
  return out.join("");
}

const PATTERN = /^([^/]+)\/(\d{4}-\d{2}-\d{2})(?:\/art_(\d+)(?:-(\d+))?(?:\/par_(\d+))?(?:\/pt_(\d+))?)?$/;

/**
 * 《title》第X条第X款第X项 for a provision IRI, 《title》（YYYY-MM-DD） for a version; null for any
 * other IRI (an item, a level assignment, a report …).
 */
export function citationOfIri(iri) {
  if (typeof iri !== "string" || !iri.startsWith(LAW)) return null;
  const m = PATTERN.exec(iri.slice(LAW.length));
  if (!m) return null;
  let title;
  try {
    title = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  const [, , date, art, insert, par, pt] = m;
  if (!art) return nestTitles(`《${title}》（${date}）`);
  return nestTitles(`《${title}》第${toChinese(+art)}条${insert ? `之${toChinese(+insert)}` : ""}`
    + (par ? `第${toChinese(+par)}款` : "") + (pt ? `第${toChinese(+pt)}项` : ""));
}

/**
 * Title marks within title marks as Chinese typography writes them: 《山东省实施〈中华人民共和国渔业法〉办法》
 * (titles are stored as enacted, with 《》 inside). Every 《》 the interface shows goes through here,
 * its own and the service's, so a citation reads the same wherever it comes from.
 */
export function nestTitles(text) {
  let depth = 0;
  return String(text ?? "").replace(/[《》]/g, (mark) => {
    if (mark === "《") {
      depth += 1;
      return depth > 1 ? "〈" : mark;
    }
    depth = Math.max(0, depth - 1);
    return depth > 0 ? "〉" : mark;
  });
}
