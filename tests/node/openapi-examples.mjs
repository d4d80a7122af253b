// Checks the example requests of the project's Markdown files against /openapi.json (driven by
// tests/api/test_openapi.c):
//
//   node openapi-examples.mjs <base-url> <file.md | folder>...
//
// - Every `curl` command in a fenced code block (continuation lines joined): its method (-X, or
//   POST with -d) and path must be an operation of the document; a -d body must be JSON that
//   validates against the operation's request schema, and an operation with a required body
//   must be given one. A trailing comment "# <status> <json>" or "# <json>" that parses as JSON
//   is a response example: the status must be documented and the JSON must validate.
// - Every inline `METHOD /path` in the text naming a full path (/api/v1/..., or an ops path)
//   must be an operation of the document.
// Exits 1 listing every example that does not conform.
import fs from "node:fs";
import path from "node:path";
import { loadDocument, schemaValidator, findOperation, requestSchema, resolveResponse } from "./openapi-lib.mjs";

const [base, ...inputs] = process.argv.slice(2);
if (inputs.length === 0) {
  console.error("usage: openapi-examples.mjs <base-url> <file.md | folder>...");
  process.exit(2);
}
const doc = await loadDocument(base);
const validate = schemaValidator(doc);
const problems = [];
let checked = 0;

const files = inputs.flatMap((p) =>
  fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).filter((f) => f.endsWith(".md")).map((f) => path.join(p, f))
    : [p]);

// Splits a shell command line into words (single and double quotes; a # outside quotes starts
// the comment, returned separately).
function shellWords(line) {
  const words = [];
  let word = null, quote = null, i = 0;
  for (; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "#" && word === null) {
      break;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== null) words.push(word);
  return { words, comment: line.slice(i + 1).trim() };
}

function checkCurl(where, line) {
  const { words, comment } = shellWords(line);
  let method = null, data = null, url = null;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === "-X" || w === "--request") method = words[++i];
    else if (["-d", "--data", "--data-raw", "--data-binary"].includes(w)) data = words[++i];
    else if (["-H", "--header", "-o", "-u", "-w"].includes(w)) i++;
    else if (!w.startsWith("-") && url === null) url = w;
  }
  if (url === null) return problems.push(`${where}: no URL in: ${line}`);
  method ??= data !== null ? "POST" : "GET";
  const p = url.replace(/^https?:\/\//, "").replace(/^[^/]*/, "");
  const found = findOperation(doc, method, p);
  checked++;
  if (!found) return problems.push(`${where}: ${method} ${p} is not a path of the document`);
  if (!found.op) return problems.push(`${where}: ${method} is not a method of ${found.template}`);
  const schema = requestSchema(found.op);
  if (data !== null) {
    let body;
    try {
      body = JSON.parse(data);
    } catch {
      return problems.push(`${where}: the body is not JSON: ${data}`);
    }
    if (!schema) return problems.push(`${where}: ${method} ${found.template} takes no body`);
    const errors = validate(schema, body);
    if (errors) problems.push(`${where}: the body does not match ${found.op.operationId}'s request schema: ${JSON.stringify(errors)}`);
  } else if (schema && found.op.requestBody.required) {
    problems.push(`${where}: ${method} ${found.template} needs a body`);
  }
  const m = /^(?:(\d{3})\s+)?(\{.*\})\s*$/.exec(comment);
  if (m) {
    let example;
    try {
      example = JSON.parse(m[2]);
    } catch {
      return; // an abbreviated example ("…"), not JSON
    }
    const status = m[1] ?? Object.keys(found.op.responses).find((s) => s.startsWith("2"));
    const res = resolveResponse(doc, found.op.responses[status]);
    if (!res) return problems.push(`${where}: status ${status} is not documented for ${found.op.operationId}`);
    const errors = validate(res.content["application/json"].schema, example);
    if (errors) problems.push(`${where}: the response example does not match: ${JSON.stringify(errors)}`);
  }
}

for (const file of files) {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  let fenced = false;
  for (let n = 0; n < lines.length; n++) {
    const where = `${path.basename(file)}:${n + 1}`;
    if (lines[n].startsWith("```")) {
      fenced = !fenced;
      continue;
    }
    if (fenced && /^\s*curl\s/.test(lines[n])) {
      let cmd = lines[n];
      while (cmd.endsWith("\\") && n + 1 < lines.length) cmd = cmd.slice(0, -1) + " " + lines[++n];
      checkCurl(where, cmd.trim());
      continue;
    }
    if (fenced) continue;
    for (const m of lines[n].matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)) {
      const p = m[2];
      if (!p.startsWith("/api/v1/") && !["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"].includes(p)) continue;
      checked++;
      const found = findOperation(doc, m[1], p);
      if (!found || !found.op) problems.push(`${where}: ${m[1]} ${p} is not an operation of the document`);
    }
  }
}
if (problems.length > 0) {
  console.error(`openapi-examples: ${problems.length} example(s) do not conform:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`openapi-examples: ok (${checked} examples in ${files.length} files)`);
