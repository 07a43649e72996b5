// A tiny DOM builder: every piece of data goes in as a text node, never as HTML.

/**
 * h("a", {href: "#/", class: "x", onclick: fn}, "text", child, [more]) → Element.
 * Attributes: ``class``, ``text``, ``on<event>`` handlers, ``dataset``, booleans (true → present,
 * false/null/undefined → absent), anything else as an attribute.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k === "dataset") Object.assign(el.dataset, v);
      else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Chinese data shown inside an English page keeps its language for screen readers. */
export function zh(text, tag = "span") {
  return h(tag, { lang: "zh-CN" }, text ?? "");
}

/**
 * ``text`` with every occurrence of ``phrase`` wrapped in <mark>; returns a DocumentFragment.
 * When the phrase is not in the text, the text is returned unmarked (the caller shows it apart).
 */
export function highlight(text, phrases) {
  const frag = document.createDocumentFragment();
  const list = [...new Set((Array.isArray(phrases) ? phrases : [phrases]).filter((p) => p))]
    .sort((a, b) => b.length - a.length);
  if (!list.length) { frag.append(text); return frag; }
  let i = 0;
  while (i < text.length) {
    let best = -1, bestPhrase = null;
    for (const p of list) {
      const j = text.indexOf(p, i);
      if (j >= 0 && (best < 0 || j < best)) { best = j; bestPhrase = p; }
    }
    if (best < 0) break;
    if (best > i) frag.append(text.slice(i, best));
    frag.append(h("mark", null, bestPhrase));
    i = best + bestPhrase.length;
  }
  if (i < text.length) frag.append(text.slice(i));
  return frag;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let uid = 0;
export function newId(prefix = "f") { uid += 1; return `${prefix}-${uid}`; }

/** A labelled form field: <div><label for>…</label><control id></div>. */
export function field(label, control, hint) {
  if (!control.id) control.id = newId();
  const wrap = h("div", { class: "field" }, h("label", { for: control.id }, label), control);
  if (hint) {
    const hid = newId("hint");
    control.setAttribute("aria-describedby", hid);
    wrap.append(h("p", { class: "hint", id: hid }, hint));
  }
  return wrap;
}

export function select(name, options, value) {
  const s = h("select", { name });
  for (const o of options) {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    s.append(h("option", { value: v, selected: v === value }, label));
  }
  return s;
}
