// Builds the web interface into ../api/static (committed, so running the API needs no npm).
//   npm ci && npm run build
// app.js (+ lazily loaded chunks for charts, graph, spreadsheet export) and app.css by esbuild;
// YASGUI's own prebuilt bundle is copied as it is (loaded only on the SPARQL page).
import { build } from "esbuild";
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "api", "static");
const out = `${target}.tmp`; // built aside, then swapped in: a running server never sees half a build
const mods = join(here, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor", "yasgui"), { recursive: true });

await build({
  entryPoints: { app: join(here, "src", "app.js") },
  bundle: true,
  splitting: true,
  format: "esm",
  target: ["es2020"],
  minify: true,
  sourcemap: false,
  legalComments: "linked",
  chunkNames: "chunks/[name]-[hash]",
  outdir: out,
  logLevel: "info",
});
await build({
  entryPoints: [join(here, "src", "app.css")],
  bundle: true,
  minify: true,
  outdir: out,
  logLevel: "info",
});

cpSync(join(here, "src", "index.html"), join(out, "index.html"));
cpSync(join(here, "src", "favicon.svg"), join(out, "favicon.svg"));
const yasgui = join(mods, "@zazuko", "yasgui");
for (const f of ["yasgui.min.js", "yasgui.min.css"]) {
  // drop the sourceMappingURL: the map is not shipped
  const text = readFileSync(join(yasgui, "build", f), "utf8").replace(/\n?\/[/*]# sourceMappingURL=\S+( \*\/)?\s*$/, "\n");
  writeFileSync(join(out, "vendor", "yasgui", f), text);
}

// Licences of everything shipped.
const licences = [];
for (const pkg of ["@zazuko/yasgui", "@zazuko/yasqe", "@zazuko/yasr", "@zazuko/yasgui-utils", "echarts", "zrender",
                   "cytoscape", "xlsx"]) {
  const meta = JSON.parse(readFileSync(join(mods, pkg, "package.json"), "utf8"));
  let text = "";
  for (const name of ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"]) {
    try { text = readFileSync(join(mods, pkg, name), "utf8"); break; } catch { /* next */ }
  }
  licences.push(`${pkg} ${meta.version} — ${meta.license}\n\n${text || "(see the package for its licence text)"}\n`);
}
writeFileSync(join(out, "vendor", "LICENSES.txt"), licences.join("\n" + "=".repeat(78) + "\n\n"));
rmSync(target, { recursive: true, force: true });
renameSync(out, target);
console.log("built", target);
