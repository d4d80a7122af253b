// Shared pieces of the OpenAPI checkers (openapi-check.mjs, openapi-examples.mjs): fetch and
// validate the document, find the operation of a concrete path, and validate JSON against the
// document's schemas with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1).
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const METHODS = ["get", "post", "put", "patch", "delete"];

// Fetches <base>/openapi.json and validates it against the official OpenAPI 3.1 schema.
// Returns the document; throws with the validator's errors when it is not valid.
export async function loadDocument(base) {
  const res = await fetch(`${base}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json: ${res.status}`);
  const doc = await res.json();
  const result = await new Validator().validate(structuredClone(doc));
  if (!result.valid)
    throw new Error(`the document is not valid OpenAPI 3.1: ${JSON.stringify(result.errors, null, 1)}`);
  return doc;
}

// An ajv instance holding the document's components; validate(ref-or-schema, value) returns
// null or the list of errors.
export function schemaValidator(doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "openapi", components: doc.components });
  const cache = new Map();
  return (schema, value) => {
    const key = JSON.stringify(schema);
    let fn = cache.get(key);
    if (!fn) {
      fn = ajv.compile({ $id: `s${cache.size}`, ...rebase(schema) });
      cache.set(key, fn);
    }
    return fn(value) ? null : fn.errors;
  };
}

// "#/components/..." references of an operation's schema point into the document.
function rebase(schema) {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
}

// {"$ref": "#/components/responses/X"} -> the response object.
export function resolveResponse(doc, response) {
  if (response && response.$ref) return doc.components.responses[response.$ref.split("/").pop()];
  return response;
}

// The operation matching a concrete path (a literal segment wins over a parameter), as
// {template, method, op}, or null.
export function findOperation(doc, method, path) {
  const segs = path.split("?")[0].split("/");
  let best = null;
  for (const [template, item] of Object.entries(doc.paths)) {
    const t = template.split("/");
    if (t.length !== segs.length) continue;
    let literals = 0;
    let ok = true;
    for (let i = 0; i < t.length && ok; i++) {
      if (/^\{[a-z_]+\}$/.test(t[i])) continue;
      if (t[i] === segs[i]) literals++;
      else ok = false;
    }
    if (ok && (best === null || literals > best.literals)) best = { template, item, literals };
  }
  if (best === null) return null;
  const op = best.item[method.toLowerCase()];
  return op ? { template: best.template, method: method.toUpperCase(), op } : { template: best.template, method, op: null };
}

// The JSON schema of an operation's request body, or null.
export function requestSchema(op) {
  return op.requestBody?.content?.["application/json"]?.schema ?? null;
}
