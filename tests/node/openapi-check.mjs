// Checks /openapi.json against a running server (driven by tests/api/test_openapi.c):
//
//   node openapi-check.mjs <base-url> <admin-token> <author-token> <learner-token> <learner-id>
//
// 1. The document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator).
// 2. Real data is made through the API (modules of each flow with screens, progress, feedback,
//    check-ins, assignments, notifications), and every operation of the document is called at
//    least once with a successful outcome: each response's status must be documented for its
//    operation and its JSON body must validate (ajv, JSON Schema 2020-12) against the documented
//    schema; every request body sent for a success must validate against the request schema.
// 3. Invalid requests (401, 403, 404, 409s with extra keys, 422, 400, 415) validate against
//    HTTPError / HTTPValidationError / the documented 409 bodies.
// Exits 1 naming the path and the ajv errors on the first mismatch, or listing the operations
// never called.
import { loadDocument, schemaValidator, resolveResponse, METHODS, requestSchema } from "./openapi-lib.mjs";

const [base, adminToken, authorToken, learnerToken, learnerId] = process.argv.slice(2);
if (!learnerId) {
  console.error("usage: openapi-check.mjs <base-url> <admin-token> <author-token> <learner-token> <learner-id>");
  process.exit(2);
}

const doc = await loadDocument(base);
const validate = schemaValidator(doc);
const covered = new Set();
let checks = 0;

function fail(msg) {
  console.error(`openapi-check: ${msg}`);
  process.exit(1);
}

// Calls `method template` with path parameters filled in, validates the response against the
// document, and returns {status, body}. `expect` is the status the test wants.
async function call(method, template, { params = {}, query = "", token, body, raw, headers = {}, expect }) {
  const item = doc.paths[template];
  if (!item) fail(`${method} ${template}: path not in the document`);
  const op = item[method.toLowerCase()];
  if (!op) fail(`${method} ${template}: method not in the document`);
  const path = template.replace(/\{([a-z_]+)\}/g, (_, name) => {
    if (params[name] === undefined) fail(`${template}: no value for ${name}`);
    return params[name];
  });
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h["Content-Type"] = "application/json";
  }
  const controller = new AbortController();
  const res = await fetch(`${base}${path}${query}`, { method, headers: h, body: payload, signal: controller.signal });
  const where = `${method} ${path}${query} -> ${res.status}`;
  if (expect !== undefined && res.status !== expect) {
    const text = await res.text();
    fail(`${where}, expected ${expect}: ${text.slice(0, 500)}`);
  }
  const documented = resolveResponse(doc, op.responses[String(res.status)]);
  if (!documented) fail(`${where}: status ${res.status} is not documented for ${op.operationId}`);
  const type = (res.headers.get("content-type") || "").split(";")[0].trim();
  let parsed = null;
  if (res.status === 204) {
    if (documented.content) fail(`${where}: documented with a body`);
  } else {
    const media = Object.keys(documented.content || {});
    if (!media.some((m) => m.split(";")[0].trim() === type))
      fail(`${where}: Content-Type ${type} is not among the documented ${media.join(", ")}`);
    if (type === "text/event-stream") {
      controller.abort(); // the stream stays open; its headers are what is checked here
    } else {
      const text = await res.text();
      if (type === "application/json") {
        parsed = JSON.parse(text);
        const schema = documented.content[type].schema;
        const errors = validate(schema, parsed);
        if (errors)
          fail(`${where} (${op.operationId}): the body does not match its schema:\n${JSON.stringify(errors, null, 1)}\nbody: ${text.slice(0, 2000)}`);
      }
    }
  }
  if (res.status < 300) {
    covered.add(`${method} ${template}`);
    const reqSchema = requestSchema(op);
    if (body !== undefined && reqSchema) {
      const errors = validate(reqSchema, body);
      if (errors) fail(`${where}: the request body sent does not match the request schema: ${JSON.stringify(errors)}`);
    }
  }
  checks++;
  return { status: res.status, body: parsed, headers: res.headers };
}

const admin = adminToken, author = authorToken, learner = learnerToken;
const M = "/api/v1/modules/{module_id}";
const S = `${M}/screens/{screen_id}`;
const future = new Date(Date.now() + 7 * 86400e3).toISOString();

// --- ops, accounts ---------------------------------------------------------------------------
await call("GET", "/healthz", { expect: 200 });
await call("GET", "/readyz", { expect: 200 });
await call("GET", "/openapi.json", { expect: 200 });
// Ops pages that answer other media types, when the route table has them.
if (doc.paths["/metrics"]) await call("GET", "/metrics", { expect: 200 });
if (doc.paths["/docs"]) await call("GET", "/docs", { expect: 200 });
const email = `oa${Date.now()}@example.com`;
const reg = await call("POST", "/api/v1/auth/register", {
  body: { email, password: "password123", display_name: "Ola", timezone: "Europe/Berlin" }, expect: 201 });
const login = await call("POST", "/api/v1/auth/login", { body: { email, password: "password123" }, expect: 200 });
const other = login.body.access_token;
await call("GET", "/api/v1/users/me", { token: other, expect: 200 });
await call("PATCH", "/api/v1/users/me", { token: other, body: { display_name: "Ola N." }, expect: 200 });
await call("GET", "/api/v1/users", { token: author, query: "?limit=2", expect: 200 });
await call("GET", "/api/v1/users/{user_id}", { token: author, params: { user_id: reg.body.id }, expect: 200 });
await call("PATCH", "/api/v1/users/{user_id}", { token: admin, params: { user_id: reg.body.id }, body: { role: "author" }, expect: 200 });
await call("POST", "/api/v1/auth/logout", { token: other, expect: 204 });

// --- modules and screens ---------------------------------------------------------------------
const linear = (await call("POST", "/api/v1/modules", { token: author, headers: { "Idempotency-Key": `lin-${Date.now()}` },
  body: { title: "Fire safety", description: "Basics", flow_type: "linear" }, expect: 201 })).body;
const lp = { module_id: linear.id };
await call("PATCH", M, { token: author, params: lp, body: { description: "Basics for new staff", settings: {} }, expect: 200 });
const intro = (await call("POST", `${M}/screens`, { token: author, params: lp,
  body: { type: "content", title: "Intro", content: { body: "Hello", media: [{ type: "image", url: "https://example.com/a.png", alt: "A" }] } }, expect: 201 })).body;
const question = (await call("POST", `${M}/screens`, { token: author, params: lp,
  body: { type: "question", title: "Q", content: { kind: "single", prompt: "Pick", options: [{ id: "a", text: "A" }, { id: "b", text: "B" }], correct_option_ids: ["b"], explanation: "B." } }, expect: 201 })).body;
const reflection = (await call("POST", `${M}/screens`, { token: author, params: lp,
  body: { type: "reflection", title: "Think", content: { prompt: "Why?", min_length: 0, max_length: 100 } }, expect: 201 })).body;
const checklist = (await call("POST", `${M}/screens`, { token: author, params: lp,
  body: { type: "checklist", title: "Do", content: { prompt: "Check", items: [{ id: "i1", text: "One" }, { id: "i2", text: "Two", required: false }] } }, expect: 201 })).body;
const extra = (await call("POST", `${M}/screens`, { token: author, params: lp,
  body: { type: "content", title: "Extra", content: { body: "x" }, position: 1 }, expect: 201 })).body;
await call("DELETE", S, { token: author, params: { ...lp, screen_id: extra.id }, expect: 204 });
await call("PATCH", S, { token: author, params: { ...lp, screen_id: intro.id }, body: { title: "Welcome" }, expect: 200 });
await call("PUT", `${M}/screen-order`, { token: author, params: lp,
  body: { screen_ids: [intro.id, question.id, reflection.id, checklist.id] }, expect: 200 });
await call("GET", `${M}/screens`, { token: author, params: lp, expect: 200 });
await call("POST", `${M}/publish`, { token: author, params: lp, expect: 200 });
await call("GET", "/api/v1/modules", { token: learner, query: "?limit=5", expect: 200 });
await call("GET", M, { token: learner, params: lp, expect: 200 });
await call("GET", `${M}/screens`, { token: learner, params: lp, expect: 200 });
await call("GET", S, { token: learner, params: { ...lp, screen_id: question.id }, expect: 200 });
const copy = (await call("POST", `${M}/copy`, { token: author, params: lp, body: { title: "Copy" }, expect: 201 })).body;
await call("DELETE", M, { token: author, params: { module_id: copy.id }, expect: 204 });

// A branching module: a branch screen with two endings.
const branching = (await call("POST", "/api/v1/modules", { token: author, body: { title: "Scenario", flow_type: "branching" }, expect: 201 })).body;
const bp = { module_id: branching.id };
const end1 = (await call("POST", `${M}/screens`, { token: author, params: bp, body: { type: "content", title: "End 1", content: { body: "Calm." } }, expect: 201 })).body;
const end2 = (await call("POST", `${M}/screens`, { token: author, params: bp, body: { type: "reflection", title: "End 2", content: { prompt: "Why?" } }, expect: 201 })).body;
const fork = (await call("POST", `${M}/screens`, { token: author, params: bp,
  body: { type: "branch", title: "Fork", content: { prompt: "Choose", choices: [{ id: "calm", text: "Calm", next_screen_id: end1.id }, { id: "panic", text: "Panic", next_screen_id: end2.id }] } }, expect: 201 })).body;
await call("PATCH", M, { token: author, params: bp, body: { settings: { start_screen_id: fork.id } }, expect: 200 });
await call("POST", `${M}/publish`, { token: author, params: bp, expect: 200 });

// An assessment module, and one to archive.
const assessment = (await call("POST", "/api/v1/modules", { token: author,
  body: { title: "Exam", flow_type: "assessment", settings: { pass_score: 70, max_attempts: 3 } }, expect: 201 })).body;
const ap = { module_id: assessment.id };
const q1 = (await call("POST", `${M}/screens`, { token: author, params: ap,
  body: { type: "question", title: "Q1", content: { kind: "multiple", prompt: "Which?", options: [{ id: "a", text: "A" }, { id: "b", text: "B" }, { id: "c", text: "C" }], correct_option_ids: ["a", "c"] } }, expect: 201 })).body;
await call("POST", `${M}/publish`, { token: author, params: ap, expect: 200 });
const old = (await call("POST", "/api/v1/modules", { token: author, body: { title: "Old", flow_type: "linear" }, expect: 201 })).body;
await call("POST", `${M}/screens`, { token: author, params: { module_id: old.id }, body: { type: "content", title: "C", content: { body: "b" } }, expect: 201 });
await call("POST", `${M}/publish`, { token: author, params: { module_id: old.id }, expect: 200 });
await call("POST", `${M}/archive`, { token: author, params: { module_id: old.id }, expect: 200 });
await call("GET", "/api/v1/modules", { token: author, query: `?status=archived&flow_type=linear&author_id=${old.author_id}&q=Ol`, expect: 200 });

// --- assignments and notifications -----------------------------------------------------------
const assignment = (await call("POST", "/api/v1/assignments", { token: author, headers: { "Idempotency-Key": `as-${Date.now()}` },
  body: { module_id: linear.id, user_id: learnerId, due_at: future }, expect: 201 })).body;
const gone = (await call("POST", "/api/v1/assignments", { token: author, body: { module_id: assessment.id, user_id: learnerId }, expect: 201 })).body;
await call("DELETE", "/api/v1/assignments/{assignment_id}", { token: author, params: { assignment_id: gone.id }, expect: 204 });
await call("PATCH", "/api/v1/assignments/{assignment_id}", { token: author, params: { assignment_id: assignment.id }, body: { due_at: null }, expect: 200 });
await call("GET", "/api/v1/assignments", { token: author, query: `?module_id=${linear.id}&user_id=${learnerId}`, expect: 200 });
await call("GET", "/api/v1/assignments/{assignment_id}", { token: learner, params: { assignment_id: assignment.id }, expect: 200 });
await call("GET", "/api/v1/users/me/assignments", { token: learner, query: "?progress_status=not_started", expect: 200 });

// --- progress ----------------------------------------------------------------------------------
await call("GET", `${M}/progress`, { token: learner, params: lp, expect: 200 });
let p = (await call("PUT", `${M}/progress`, { token: learner, params: lp,
  body: { version: 0, progress_data: { current_screen_id: question.id, completed_screen_ids: [intro.id], responses: {} } }, expect: 200 })).body;
const answer = await call("POST", `${S}/answer`, { token: learner, params: { ...lp, screen_id: question.id }, body: { option_ids: ["a"] }, expect: 200 });
p = answer.body.progress;
p = (await call("PUT", `${M}/progress`, { token: learner, params: lp, body: { version: p.version, progress_data: {
  current_screen_id: checklist.id, completed_screen_ids: [intro.id, question.id, reflection.id],
  responses: { [reflection.id]: { text: "Because." }, [checklist.id]: { checked_item_ids: ["i1"] } } } }, expect: 200 })).body;
await call("GET", `${M}/progress`, { token: learner, params: lp, expect: 200 });
await call("PUT", `${M}/progress`, { token: learner, params: bp,
  body: { version: 0, progress_data: { path: [{ screen_id: fork.id, choice_id: "calm" }, { screen_id: end1.id, choice_id: null }], responses: {} } }, expect: 200 });
let a = (await call("PUT", `${M}/progress`, { token: learner, params: ap,
  body: { version: 0, progress_data: { current_screen_id: q1.id, answers: { [q1.id]: ["a"] } } }, expect: 200 })).body;
a = (await call("POST", `${M}/progress/submit`, { token: learner, params: ap, body: { version: a.version }, expect: 200 })).body;
a = (await call("POST", `${M}/progress/attempts`, { token: learner, params: ap, body: { version: a.version }, expect: 200 })).body;
await call("GET", `${M}/progress`, { token: learner, params: ap, expect: 200 });
await call("GET", "/api/v1/users/me/progress", { token: learner, query: "?status=in_progress", expect: 200 });
await call("GET", "/api/v1/users/me/progress", { token: learner, query: "?limit=1", expect: 200 });

// --- feedback and analytics --------------------------------------------------------------------
await call("POST", `${M}/feedback`, { token: learner, params: lp, headers: { "Idempotency-Key": `fb-${Date.now()}` },
  body: { rating: 4, comment: "Clear.", screen_id: question.id }, expect: 201 });
await call("POST", `${M}/feedback`, { token: learner, params: lp, body: { rating: 2 }, expect: 201 });
await call("GET", `${M}/feedback`, { token: author, params: lp, query: "?limit=1", expect: 200 });
await call("GET", `${M}/feedback`, { token: author, params: lp, query: `?rating=4&screen_id=${question.id}`, expect: 200 });
await call("GET", `${M}/feedback/summary`, { token: author, params: lp, expect: 200 });
for (const m of [linear, branching, assessment])
  await call("GET", `${M}/analytics`, { token: author, params: { module_id: m.id }, expect: 200 });

// --- check-ins ---------------------------------------------------------------------------------
const ck = (await call("POST", "/api/v1/checkins", { token: learner, body: { mood: 4, confidence: 3, note: "Focused.", module_id: linear.id }, expect: 201 })).body;
await call("GET", "/api/v1/checkins", { token: learner, query: `?from=${ck.date}&to=${ck.date}`, expect: 200 });
await call("GET", "/api/v1/checkins/streak", { token: learner, expect: 200 });
await call("GET", "/api/v1/checkins/streak", { token: author, expect: 200 });
await call("GET", "/api/v1/checkins/summary", { token: author, query: `?module_id=${linear.id}`, expect: 200 });
await call("GET", "/api/v1/checkins/{checkin_id}", { token: learner, params: { checkin_id: ck.id }, expect: 200 });
await call("PATCH", "/api/v1/checkins/{checkin_id}", { token: learner, params: { checkin_id: ck.id }, body: { note: null, mood: 5 }, expect: 200 });

// --- notifications -----------------------------------------------------------------------------
const list = (await call("GET", "/api/v1/notifications", { token: learner, query: "?limit=1", expect: 200 })).body;
await call("GET", "/api/v1/notifications", { token: author, query: "?unread=true", expect: 200 });
await call("GET", "/api/v1/notifications/unread-count", { token: learner, expect: 200 });
await call("POST", "/api/v1/notifications/{notification_id}/read", { token: learner, params: { notification_id: list.items[0].id }, expect: 200 });
await call("POST", "/api/v1/notifications/read-all", { token: author, expect: 200 });
await call("GET", "/api/v1/notifications/stream", { query: `?access_token=${learner}`, expect: 200 });

// --- errors ------------------------------------------------------------------------------------
const nowhere = "00000000-0000-4000-8000-000000000000";
await call("GET", "/api/v1/users/me", { expect: 401 });
await call("GET", "/api/v1/users/me", { token: "tsk_nope", expect: 401 });
await call("GET", "/api/v1/users", { token: learner, expect: 403 });
await call("GET", M, { token: learner, params: { module_id: nowhere }, expect: 404 });
await call("GET", M, { token: learner, params: { module_id: "nope" }, expect: 422 });
await call("GET", "/api/v1/modules", { token: learner, query: "?limit=0&status=x", expect: 422 });
await call("POST", `${M}/feedback`, { token: learner, params: lp, body: { rating: 9 }, expect: 422 });
await call("POST", `${M}/feedback`, { token: learner, params: lp, raw: "{", headers: { "Content-Type": "application/json" }, expect: 400 });
await call("POST", `${M}/feedback`, { token: learner, params: lp, raw: "rating=4", headers: { "Content-Type": "text/plain" }, expect: 415 });
await call("PUT", `${M}/progress`, { token: learner, params: lp, body: { version: 0, progress_data: {} }, expect: 409 });
await call("POST", `${S}/answer`, { token: learner, params: { ...lp, screen_id: question.id }, body: { option_ids: ["b"] }, expect: 409 });
await call("POST", "/api/v1/checkins", { token: learner, body: { mood: 1, confidence: 1 }, expect: 409 });
await call("POST", "/api/v1/assignments", { token: author, body: { module_id: linear.id, user_id: learnerId }, expect: 409 });
await call("PATCH", M, { token: author, params: lp, body: { title: "x" }, expect: 409 });
await call("POST", "/api/v1/auth/login", { body: { email, password: "wrong-password" }, expect: 401 });

// --- coverage ----------------------------------------------------------------------------------
const missing = [];
for (const [template, item] of Object.entries(doc.paths))
  for (const method of METHODS)
    if (item[method] && !covered.has(`${method.toUpperCase()} ${template}`)) missing.push(`${method.toUpperCase()} ${template}`);
if (missing.length > 0) fail(`operations never called successfully:\n  ${missing.join("\n  ")}`);
console.log(`openapi-check: ok (${checks} responses checked, ${covered.size} operations)`);
