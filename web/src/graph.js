// The item's dependency graph (item — provisions — instruments — related items), Cytoscape.js,
// loaded on demand. Clicking (or tapping) a node calls onOpen(node data).
import cytoscape from "cytoscape";

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif';

const COLUMN = { related: -1, item: 0, provision: 1, instrument: 2 };

function layout(nodes) {
  const columns = new Map();
  for (const n of nodes) {
    const c = COLUMN[n.kind] ?? 1;
    if (!columns.has(c)) columns.set(c, []);
    columns.get(c).push(n.id);
  }
  const pos = new Map();
  for (const [c, ids] of columns) {
    ids.forEach((id, i) => pos.set(id, { x: c * 240, y: (i - (ids.length - 1) / 2) * 90 }));
  }
  return pos;
}

export function dependencyGraph(el, { nodes, edges, onOpen }) {
  const cy = cytoscape({
    container: el,
    elements: [...nodes.map((data) => ({ data, classes: data.kind })), ...edges.map((data) => ({ data }))],
    minZoom: 0.3,
    maxZoom: 2.5,
    style: [
      { selector: "node", style: {
        label: "data(label)", "font-family": FONT, "font-size": 11, "text-wrap": "wrap", "text-max-width": 130,
        "text-valign": "bottom", "text-margin-y": 4, color: "#1f2328", width: 22, height: 22,
        "text-overflow-wrap": "anywhere", "text-background-color": "#fcfcfd", "text-background-opacity": 0.85,
        "text-background-padding": 2,
        "background-color": "#8fa3b3", "border-width": 2, "border-color": "#fff" } },
      { selector: "node.item", style: { "background-color": "#8c1c13", width: 34, height: 34, "font-size": 13, "font-weight": "bold" } },
      { selector: "node.provision", style: { "background-color": "#1f5f99", shape: "round-rectangle" } },
      { selector: "node.instrument", style: { "background-color": "#5a3e85", shape: "diamond", width: 26, height: 26 } },
      { selector: "node.related", style: { "background-color": "#c8611b" } },
      { selector: "node.blocked", style: { "border-color": "#b3261e", "border-width": 4 } },
      { selector: "node:active, node:selected", style: { "overlay-opacity": 0.15 } },
      { selector: "edge", style: { width: 1.5, "line-color": "#b8c2cc", "curve-style": "straight",
        "target-arrow-shape": "triangle", "target-arrow-color": "#b8c2cc", label: "data(label)", "font-size": 10,
        "font-family": FONT, color: "#57606a", "text-background-color": "#fcfcfd",
        "text-background-opacity": 0.9 } },
    ],
    // columns: related items | the item | provisions | instruments
    layout: { name: "preset", positions: (n) => layout(nodes).get(n.id()), padding: 30, fit: true, animate: false },
  });
  cy.on("tap", "node", (ev) => onOpen(ev.target.data()));
  el.quanzeGraph = cy; // for tests: where a node is drawn
  cy.on("mouseover", "node", (ev) => {
    if (ev.target.data("href")) el.style.cursor = "pointer";
  });
  cy.on("mouseout", "node", () => { el.style.cursor = ""; });
  const ro = new ResizeObserver(() => {
    cy.resize();
    cy.fit(undefined, 24);
    el.dataset.ready = "true"; // laid out and fitted to its box
  });
  ro.observe(el);
  return { cy, dispose: () => { ro.disconnect(); cy.destroy(); } };
}
