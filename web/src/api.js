// The REST API of the same origin (api/routes): JSON in, JSON out.
import { bilingual } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function url(path, params) {
  const u = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "" || v === false) continue;
    u.searchParams.set(k, String(v));
  }
  return u;
}

/** GET ``path`` with query ``params`` → parsed JSON; ApiError (status, message in the UI language). */
export async function getJson(path, params, { signal } = {}) {
  let res;
  try {
    res = await fetch(url(path, params), { headers: { Accept: "application/json" }, signal });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, bilingual("无法连接服务 / the service cannot be reached"));
  }
  if (!res.ok) {
    let message = res.statusText;
    try {
      const body = await res.json();
      message = body.message || body.detail || message;
      if (Array.isArray(message)) message = message.map((m) => m.msg || JSON.stringify(m)).join("; ");
    } catch { /* not JSON */ }
    throw new ApiError(res.status, bilingual(String(message)));
  }
  return res.json();
}

const cache = new Map();

/** A GET whose answer is kept for this page's lifetime (the devolution lists behind several pages). */
export function cachedJson(path, params) {
  const key = url(path, params).toString();
  if (!cache.has(key)) {
    const p = getJson(path, params);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return cache.get(key);
}

/** Forget the kept answers: the data changed (freshness.js). */
export function forgetCached() { cache.clear(); }

/** The devolution assessments of every item for a target, by code. */
export async function devolutionByCode(target) {
  const list = await cachedJson("/devolution", { to: target, all: "true" });
  const out = new Map();
  for (const a of list) out.set(a.code, a);
  return out;
}
