// Validates every HTTP exchange the tests recorded (tests/lib/http_client.py appends one JSON line
// per response to $ECOM_RECORD_RESPONSES) against docs/openapi.yaml:
//   - the path and method must be documented (a path the router does not know must be a 404, a
//     known path with another method a 405 — components/responses NotFound and MethodNotAllowed);
//   - the status must be one of the operation's responses;
//   - every header the response documents as required must be there and match its schema;
//   - the body's media type must be documented and the body must match the schema (the schemas
//     forbid undocumented fields); a response without content must have an empty body.
// Prints one line per endpoint (method + path template, plus the two generic groups) and, last,
// "N passed, N failed". Exit status 1 when anything failed.
//
//   node tests/openapi/validate.mjs [--spec docs/openapi.yaml] RECORDS.jsonl
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let specPath = path.join(here, "..", "..", "docs", "openapi.yaml");
const files = [];
let listOperations = false, checkExamples = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--spec") specPath = args[++i];
  else if (args[i] === "--operations") listOperations = true;
  else if (args[i] === "--examples") checkExamples = true;
  else files.push(args[i]);
}
if (files.length !== (listOperations || checkExamples ? 0 : 1)) {
  console.error("usage: validate.mjs [--spec FILE] RECORDS.jsonl | [--spec FILE] --operations | [--spec FILE] --examples");
  process.exit(2);
}

const spec = YAML.parse(fs.readFileSync(specPath, "utf8"));
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
if (listOperations) {  // "METHOD /path/{param}" per documented operation
  for (const [t, item] of Object.entries(spec.paths))
    for (const m of Object.keys(item).filter((k) => METHODS.includes(k))) console.log(`${m.toUpperCase()} ${t}`);
  process.exit(0);
}
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, "openapi");

const ptr = (...parts) => "#/" + parts.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const validators = new Map();
function validatorFor(pointer) {
  if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: "openapi" + pointer }));
  return validators.get(pointer);
}
function resolve(obj) {  // follows a local $ref (components)
  let pointer = null;
  while (obj && obj.$ref) {
    pointer = obj.$ref;
    obj = pointer.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((o, k) => o[k], spec);
  }
  return [obj, pointer];
}

const templates = Object.keys(spec.paths).map((t) => ({ template: t, segments: t.split("/").filter(Boolean) }));

// The router's rules (src/http/router.cpp): empty segments are skipped, a trailing slash is
// another (unknown) path, `{name}` matches one segment. Literal matches win over parameters.
function matchPath(requestPath) {
  if (requestPath.length > 1 && requestPath.endsWith("/")) return [];
  const segs = requestPath.split("/").filter(Boolean);
  return templates.filter((t) => t.segments.length === segs.length &&
    t.segments.every((s, i) => /^\{.+\}$/.test(s) || s === segs[i]));
}

const results = new Map();  // group → {passed, failed, failures: []}
function note(group, problems, rec) {
  if (!results.has(group)) results.set(group, { passed: 0, failed: 0, failures: [] });
  const r = results.get(group);
  if (problems.length === 0) r.passed++;
  else {
    r.failed++;
    if (r.failures.length < 5) r.failures.push(`${rec.method} ${rec.path} → ${rec.status}: ${problems.join("; ")}`);
  }
}

function checkResponse(responseRef, rec, headers, bodyText) {
  const problems = [];
  const [response, refPointer] = resolve(responseRef.obj);
  const base = refPointer || responseRef.pointer;
  for (const [name, hdrRef] of Object.entries(response.headers || {})) {
    const [hdr, hdrPointer] = resolve(hdrRef);
    const value = headers.get(name.toLowerCase());
    if (value === undefined) {
      if (hdr.required) problems.push(`missing header ${name}`);
      continue;
    }
    if (hdr.schema) {
      const v = validatorFor((hdrPointer || base + "/headers/" + name.replace(/~/g, "~0").replace(/\//g, "~1")) + "/schema");
      if (!v(value)) problems.push(`header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(v.errors)}`);
    }
  }
  const content = response.content || {};
  const isHead = rec.method === "HEAD";
  if (Object.keys(content).length === 0) {
    if (bodyText.length > 0) problems.push(`undocumented body ${JSON.stringify(bodyText.slice(0, 120))}`);
    return problems;
  }
  if (isHead) return problems;
  const mediaType = (headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
  if (!content[mediaType]) {
    problems.push(`undocumented Content-Type ${JSON.stringify(mediaType)} (documented: ${Object.keys(content).join(", ")})`);
    return problems;
  }
  let body;
  const isJson = mediaType === "application/json" || mediaType.endsWith("+json");
  if (!isJson) {
    body = bodyText;  // a text body (the Prometheus exposition) is validated as a string
  } else try {
    body = JSON.parse(bodyText);
  } catch (e) {
    problems.push(`body is not JSON: ${JSON.stringify(bodyText.slice(0, 120))}`);
    return problems;
  }
  const v = validatorFor(base + "/content/" + mediaType.replace(/\//g, "~1") + "/schema");
  if (!v(body)) {
    const errs = v.errors.slice(0, 4).map((e) =>
      `${e.instancePath || "/"} ${e.message}${e.params && (e.params.additionalProperty || e.params.unevaluatedProperty)
        ? ` (${e.params.additionalProperty || e.params.unevaluatedProperty})` : ""}`);
    problems.push(`body: ${errs.join(", ")}`);
  }
  return problems;
}

// --examples: every response example in the document must match its own schema.
if (checkExamples) {
  let bad = 0, count = 0;
  const check = (where, pointer, content) => {
    for (const [mt, media] of Object.entries(content || {})) {
      if (media.example === undefined) continue;
      count++;
      const v = validatorFor(pointer + "/content/" + mt.replace(/\//g, "~1") + "/schema");
      if (!v(media.example)) { bad++; console.log(`FAIL example of ${where} ${mt}: ${ajv.errorsText(v.errors)}`); }
    }
  };
  for (const [name, resp] of Object.entries(spec.components.responses || {}))
    check(`components/responses/${name}`, ptr("components", "responses", name), resp.content);
  for (const [t, item] of Object.entries(spec.paths))
    for (const m of Object.keys(item).filter((k) => METHODS.includes(k)))
      for (const [status, resp] of Object.entries(item[m].responses))
        if (!resp.$ref) check(`${m.toUpperCase()} ${t} ${status}`, ptr("paths", t, m, "responses", status), resp.content);
  console.log(`${count} examples checked, ${bad} invalid`);
  process.exit(bad === 0 ? 0 : 1);
}

const lines = fs.readFileSync(files[0], "utf8").split("\n").filter((l) => l.trim());
for (const line of lines) {
  let rec;
  try {
    rec = JSON.parse(line);
  } catch {
    note("(unreadable record)", ["not JSON"], { method: "?", path: line.slice(0, 80), status: "?" });
    continue;
  }
  const headers = new Map(rec.headers.map(([k, v]) => [k.toLowerCase(), v]));
  const requestPath = rec.path.split("?")[0].split("#")[0];
  const method = rec.method.toUpperCase();
  const lookup = method === "HEAD" ? "get" : method.toLowerCase();
  const candidates = matchPath(requestPath);
  const withMethod = candidates.filter((t) => spec.paths[t.template][lookup])
    .sort((a, b) => b.segments.filter((s) => !s.startsWith("{")).length - a.segments.filter((s) => !s.startsWith("{")).length);
  let group, responseRef, problems = [];
  if (withMethod.length > 0) {
    const t = withMethod[0].template;
    group = `${method === "HEAD" ? "GET" : method} ${t}`;
    const responses = spec.paths[t][lookup].responses;
    const key = String(rec.status);
    if (responses[key]) responseRef = { obj: responses[key], pointer: ptr("paths", t, lookup, "responses", key) };
    else problems.push(`undocumented status ${rec.status}`);
  } else if (candidates.length > 0) {
    group = "405 (known path, another method)";
    if (rec.status === 405) responseRef = { obj: { $ref: "#/components/responses/MethodNotAllowed" } };
    else problems.push(`expected 405 for ${method} on a documented path, got ${rec.status}`);
  } else {
    group = "404 (unknown path)";
    if (rec.status === 404) responseRef = { obj: { $ref: "#/components/responses/NotFound" } };
    else problems.push(`expected 404 for an undocumented path, got ${rec.status}`);
  }
  // What nginx answers before any route is chosen, on any path (x-any-request).
  const anyRequest = (spec["x-any-request"] || {})[String(rec.status)];
  if (!responseRef && anyRequest) {
    problems = [];
    responseRef = { obj: anyRequest };
  }
  if (responseRef) problems = problems.concat(checkResponse(responseRef, rec, headers, rec.body || ""));
  note(group, problems, rec);
}

let passed = 0, failed = 0;
for (const [group, r] of [...results.entries()].sort()) {
  const total = r.passed + r.failed;
  if (r.failed === 0) {
    passed++;
    console.log(`PASS ${group} (${total} responses)`);
  } else {
    failed++;
    console.log(`FAIL ${group} (${r.failed} of ${total} responses)`);
    for (const f of r.failures) console.log(`    ${f}`);
  }
}
// Endpoints the tests never reached are listed, not failed.
const seen = new Set(results.keys());
for (const t of Object.keys(spec.paths))
  for (const m of Object.keys(spec.paths[t]).filter((k) => METHODS.includes(k)))
    if (!seen.has(`${m.toUpperCase()} ${t}`)) console.log(`note: no response recorded for ${m.toUpperCase()} ${t}`);
console.log(`${lines.length} responses checked`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
