// Two tabs of one learner race on one module's progress (API.md §8, the `version` compare-and-swap):
// tab A moves on and saves; tab B, still holding the older version, tries to save its own input.
// The server refuses B's write with 409; B must show A's newer state and say so, and A's progress
// must be what the database holds afterwards, never B's.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  PHONE,
  apiCall,
  apiLogin,
  assertNoForeignRequests,
  checkA11y,
  createUser,
  launchBrowser,
  newPage,
  screenshot,
  startServer,
  watchPage,
} from "./lib.mjs";

const NOTICE = "This module was updated in another tab or device; showing the latest progress.";
const TEXT_A = "Tab A: out by the kitchen door, then down the east stairwell.";
const TEXT_B = "Tab B: this older tab's answer must never replace tab A's.";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function position(p, text) {
  await p.locator(".player-position").filter({ hasText: text }).waitFor();
}

test("two tabs race on one module: the stale tab adopts the newer progress and never overwrites it", async () => {
  const learner = await createUser(server, { email: "riley.race@example.test", displayName: "Riley Race" });
  const { access_token: token } = await apiLogin(server, learner.email, learner.password);
  const mods = (await apiCall(server, "GET", "/api/v1/modules?q=Fire%20Safety", { token })).body.items;
  const mod = mods.find((m) => m.title === "Fire Safety Basics");
  const screens = (await apiCall(server, "GET", `/api/v1/modules/${mod.id}/screens`, { token })).body.items;
  const [, , question, reflection, checklist] = screens;
  const progress = async () => (await apiCall(server, "GET", `/api/v1/modules/${mod.id}/progress`, { token })).body;

  // Tab A signs in (the module's address → login → back) and plays up to the reflection.
  const a = await newPage(browser, server, PHONE);
  await a.goto(`/app/modules/${mod.id}/play`);
  await a.getByLabel("Email").fill(learner.email);
  await a.getByLabel("Password").fill(learner.password);
  await a.getByRole("button", { name: "Sign in" }).click();
  await position(a, "Screen 1 of 6");
  await a.getByRole("button", { name: "Next" }).click();
  await position(a, "Screen 2 of 6");
  await a.getByRole("button", { name: "Next" }).click();
  await position(a, "Screen 3 of 6");
  await a.getByRole("radio", { name: "Water" }).check();
  await a.getByRole("button", { name: "Check answer" }).click();
  await a.locator(".question-result").getByText("Not quite.").waitFor();
  await a.locator(".question-result").getByText(/The correct answer is: Carbon dioxide \(CO2\)/).waitFor();
  await a.getByRole("button", { name: "Next" }).click();
  await position(a, "Screen 4 of 6");

  // Tab B: the same person, the same browser, a second tab; it resumes at the reflection too.
  const b = watchPage(await a.context().newPage(), server);
  await b.goto(`/app/modules/${mod.id}/play`);
  await position(b, "Screen 4 of 6");
  const seen = await progress();
  assert.equal(seen.progress_data.current_screen_id, reflection.id);

  // A moves on: its reflection is saved and it shows the checklist.
  await a.getByLabel(/Picture your usual workspace/).fill(TEXT_A);
  await a.getByRole("button", { name: "Next" }).click();
  await position(a, "Screen 5 of 6");
  const afterA = await progress();
  assert.equal(afterA.version, seen.version + 1);
  assert.equal(afterA.progress_data.responses[reflection.id].text, TEXT_A);

  // B, still on the older version, tries to save its own text.
  await b.bringToFront();
  await b.getByLabel(/Picture your usual workspace/).fill(TEXT_B);
  await b.getByRole("button", { name: "Next" }).click();
  await b.getByRole("status").filter({ hasText: NOTICE }).waitFor();
  await position(b, "Screen 5 of 6"); // moved to where the newer progress says
  await b.getByRole("heading", { level: 2, name: "Your workplace arrangements" }).waitFor();
  await checkA11y(b, "player after a version conflict");
  await screenshot(b, "learner-race-conflict-phone");

  // Nothing of B's reached the database.
  const afterB = await progress();
  assert.equal(afterB.version, afterA.version);
  assert.equal(afterB.progress_data.responses[reflection.id].text, TEXT_A);
  assert.equal(afterB.progress_data.current_screen_id, checklist.id);
  assert.deepEqual(afterB.progress_data.responses[question.id].option_ids, ["a"]);

  // B shows A's text when it looks back, and can carry on from the newer state.
  await b.getByRole("button", { name: "Previous" }).click();
  await position(b, "Screen 4 of 6");
  assert.equal(await b.getByLabel(/Picture your usual workspace/).inputValue(), TEXT_A);
  await b.getByRole("button", { name: "Next" }).click();
  await position(b, "Screen 5 of 6");
  for (const name of [/nearest fire exits/, /assembly point/, /raise the alarm/]) await b.getByRole("checkbox", { name }).check();
  await b.getByRole("button", { name: "Next" }).click();
  await position(b, "Screen 6 of 6");
  assert.equal(await b.getByText(NOTICE).count(), 0); // a successful save clears the notice
  const afterB2 = await progress();
  assert.equal(afterB2.version, afterA.version + 1);
  assert.equal(afterB2.progress_data.responses[reflection.id].text, TEXT_A);

  // A is now the stale one: its next save is refused the same way and it adopts B's state.
  await a.bringToFront();
  for (const name of [/nearest fire exits/, /assembly point/, /raise the alarm/]) await a.getByRole("checkbox", { name }).check();
  await a.getByRole("button", { name: "Next" }).click();
  await a.getByRole("status").filter({ hasText: NOTICE }).waitFor();
  await position(a, "Screen 6 of 6");
  assert.equal((await progress()).version, afterB2.version);

  for (const p of [a, b]) assertNoForeignRequests(p);
});

test("two tabs race on an assessment: submitting in one tab freezes the other's answers", async () => {
  const learner = await createUser(server, { email: "sam.submit@example.test", displayName: "Sam Submit" });
  const { access_token: token } = await apiLogin(server, learner.email, learner.password);
  const mod = (await apiCall(server, "GET", "/api/v1/modules?flow_type=assessment", { token })).body.items[0];
  const progress = async () => (await apiCall(server, "GET", `/api/v1/modules/${mod.id}/progress`, { token })).body;

  const a = await newPage(browser, server, PHONE);
  await a.goto(`/app/modules/${mod.id}/play`);
  await a.getByLabel("Email").fill(learner.email);
  await a.getByLabel("Password").fill(learner.password);
  await a.getByRole("button", { name: "Sign in" }).click();
  await position(a, "Screen 1 of 7");
  await a.getByRole("button", { name: "Next" }).click();
  await position(a, "Screen 2 of 7");

  const b = watchPage(await a.context().newPage(), server);
  await b.goto(`/app/modules/${mod.id}/play`);
  await position(b, "Screen 2 of 7");

  // A answers and submits.
  await a.getByRole("radio", { name: /work email address/ }).check();
  await a.getByRole("button", { name: "Next" }).click();
  await position(a, "Screen 3 of 7");
  await a.goto(`/app/modules/${mod.id}/play/finish`);
  await a.getByRole("button", { name: "Submit answers" }).click();
  await a.getByRole("heading", { level: 2, name: "Your result" }).waitFor();
  const submitted = await progress();
  assert.equal(submitted.status, "failed");

  // B still shows the open attempt; its answer is refused and it shows the submitted result.
  await b.bringToFront();
  await b.getByRole("radio", { name: /public opening hours/ }).check();
  await b.getByRole("button", { name: "Next" }).click();
  await b.getByRole("status").filter({ hasText: NOTICE }).waitFor();
  await b.getByRole("heading", { level: 2, name: "Your result" }).waitFor();
  await b.getByText("Score: 16%").waitFor();
  const after = await progress();
  assert.equal(after.version, submitted.version);
  assert.deepEqual(after.progress_data.attempts[0].answers, submitted.progress_data.attempts[0].answers);
  await checkA11y(b, "assessment result after a conflict");
  for (const p of [a, b]) assertNoForeignRequests(p);
});
