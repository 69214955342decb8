// Renders docs/openapi.yaml as one static HTML page (no script, no CDN, nothing fetched at view
// time): an index, one section per endpoint (parameters, request body, responses with their
// headers, schemas and examples) and the shared schemas.
//   node tests/openapi/render.mjs [--spec docs/openapi.yaml] OUT.html
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let specPath = path.join(here, "..", "..", "docs", "openapi.yaml");
let out = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--spec") specPath = args[++i];
  else out = args[i];
}
if (!out) {
  console.error("usage: render.mjs [--spec FILE] OUT.html");
  process.exit(2);
}
const spec = YAML.parse(fs.readFileSync(specPath, "utf8"));
const METHODS = ["get", "put", "post", "delete", "patch"];

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
function deref(obj) {
  let name = null;
  while (obj && obj.$ref) {
    name = obj.$ref.split("/").pop();
    obj = obj.$ref.slice(2).split("/").reduce((o, k) => o[k], spec);
  }
  return [obj, name];
}
// A schema in one line: a link for a named schema, else its type and constraints.
function typeOf(schema) {
  if (!schema) return "";
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return `<a href="#schema-${slug(name)}">${esc(name)}</a>`;
  }
  if (schema.allOf) return schema.allOf.map(typeOf).join(" + ") + (schema.properties ? " " + fields(schema) : "");
  if (schema.oneOf) return schema.oneOf.map(typeOf).join(" | ");
  let t = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "any";
  if (t === "array") t = `array of ${typeOf(schema.items) || "any"}`;
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object")
    t = `object of ${typeOf(schema.additionalProperties)}`;
  const extra = [];
  if (schema.enum) extra.push("one of " + schema.enum.map((e) => `<code>${esc(e)}</code>`).join(", "));
  if (schema.const !== undefined) extra.push(`always <code>${esc(schema.const)}</code>`);
  if (schema.format) extra.push(esc(schema.format));
  if (schema.pattern) extra.push(`pattern <code>${esc(schema.pattern)}</code>`);
  for (const k of ["minimum", "maximum", "minLength", "maxLength", "default"])
    if (schema[k] !== undefined) extra.push(`${k} ${esc(schema[k])}`);
  return esc(t) + (extra.length ? ` <span class="c">(${extra.join("; ")})</span>` : "");
}
function fields(schema) {
  const props = schema.properties || {};
  if (Object.keys(props).length === 0) return "";
  const req = new Set(schema.required || []);
  const rows = Object.entries(props).map(([k, v]) =>
    `<tr><td><code>${esc(k)}</code>${req.has(k) ? " <span class=\"r\">required</span>" : ""}</td><td>${typeOf(v)}</td>` +
    `<td>${esc(v.description || "")}</td></tr>`).join("");
  return `<table><tr><th>field</th><th>type</th><th></th></tr>${rows}</table>` +
    (schema.additionalProperties === false || schema.unevaluatedProperties === false ? "<p class=\"c\">No other fields.</p>" : "");
}
const example = (v) => (v === undefined ? "" : `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`);

const ops = [];
for (const [p, item] of Object.entries(spec.paths))
  for (const m of METHODS) if (item[m]) ops.push({ path: p, method: m, op: item[m] });

let html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(spec.info.title)} — API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f}
nav{position:fixed;top:0;bottom:0;left:0;width:20rem;overflow:auto;background:#f5f5f7;padding:1rem;box-sizing:border-box;font-size:13px}
nav a{display:block;color:#1d1d1f;text-decoration:none;padding:1px 0}
main{margin-left:21rem;padding:1rem 2rem;max-width:60rem}
h2{border-top:1px solid #ddd;padding-top:1.5rem}
.m{display:inline-block;min-width:4rem;font:bold 12px monospace;text-transform:uppercase}
.get{color:#0a7d32}.post{color:#0b5cad}.put{color:#8a5a00}.patch{color:#6b3fa0}.delete{color:#b3261e}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
pre{background:#f5f5f7;padding:.6rem;overflow:auto;font-size:13px}
.c{color:#666;font-size:13px}.r{color:#b3261e;font-size:12px}
details{margin:.3rem 0}summary{cursor:pointer}
</style></head><body><nav><strong>${esc(spec.info.title)}</strong><br>version ${esc(spec.info.version)}<br><br>`;
html += ops.map(({ path: p, method: m, op }) =>
  `<a href="#${slug(op.operationId)}"><span class="m ${m}">${m}</span>${esc(p)}</a>`).join("");
html += `<br><a href="#schemas"><strong>Schemas</strong></a></nav><main><h1>${esc(spec.info.title)}</h1>`;
html += `<pre style="white-space:pre-wrap;background:none;font:inherit">${esc(spec.info.description || "")}</pre>`;

for (const { path: p, method: m, op } of ops) {
  html += `<h2 id="${slug(op.operationId)}"><span class="m ${m}">${m}</span><code>${esc(p)}</code></h2>`;
  html += `<p><strong>${esc(op.summary || "")}</strong></p>`;
  if (op.description) html += `<p>${esc(op.description)}</p>`;
  const params = (op.parameters || []).map((x) => deref(x)[0]);
  if (params.length) {
    html += "<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>type</th><th></th></tr>";
    html += params.map((x) => `<tr><td><code>${esc(x.name)}</code>${x.required ? " <span class=\"r\">required</span>" : ""}</td>` +
      `<td>${esc(x.in)}</td><td>${typeOf(x.schema)}</td><td>${esc(x.description || "")}</td></tr>`).join("");
    html += "</table>";
  }
  if (op.requestBody) {
    const [body] = deref(op.requestBody);
    for (const [mt, media] of Object.entries(body.content || {})) {
      html += `<h3>Request body</h3><p>${esc(mt)}${body.required ? "" : " (optional)"}: ${typeOf(media.schema)}</p>`;
      const [s] = deref(media.schema);
      if (!media.schema.$ref) html += fields(s);
      html += example(media.example);
    }
  }
  html += "<h3>Responses</h3>";
  for (const [status, r] of Object.entries(op.responses)) {
    const [resp] = deref(r);
    const hdrs = Object.entries(resp.headers || {}).map(([n, h]) => `<code>${esc(n)}</code>${deref(h)[0].required ? "" : " (when given)"}`);
    const body = Object.entries(resp.content || {}).map(([mt, media]) => `${esc(mt)} ${typeOf(media.schema)}`);
    const ex = Object.values(resp.content || {}).map((media) => media.example).find((e) => e !== undefined);
    const line = `<strong>${esc(status)}</strong> ${esc(resp.description || "")}` +
      (body.length ? ` — ${body.join(" or ")}` : " — no body") + (hdrs.length ? `<br><span class="c">headers: ${hdrs.join(", ")}</span>` : "");
    html += ex === undefined ? `<p>${line}</p>` : `<details><summary>${line}</summary>${example(ex)}</details>`;
  }
}
html += `<h2 id="schemas">Schemas</h2>`;
for (const [name, s] of Object.entries(spec.components.schemas)) {
  html += `<h3 id="schema-${slug(name)}">${esc(name)}</h3>`;
  if (s.description) html += `<p>${esc(s.description)}</p>`;
  html += s.properties && !s.allOf ? fields(s) : `<p>${typeOf(s)}</p>`;
}
html += "</main></body></html>\n";
fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
fs.writeFileSync(out, html);
console.log(`wrote ${out} (${ops.length} endpoints)`);
