// The learner's journey through the demo content, in the browser: register, find the linear module
// by search and complete it; fail the assessment on purpose, start a new attempt and pass; take the
// branching scenario along one path, leave it half-way and resume on another device to an ending;
// check in and see the streak; leave feedback. What the person sees is asserted on the page, and what was stored through the API.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  ADMIN,
  DESKTOP,
  PHONE,
  apiCall,
  apiLogin,
  assertNoForeignRequests,
  checkA11y,
  launchBrowser,
  newPage,
  screenshot,
  startServer,
} from "./lib.mjs";

const LEARNER = { name: "Lena Learner", email: "lena.learner@example.test", password: "lena-password-1" };
const NOTICE_FREE = /updated in another tab/;

let server;
let browser;
let page; // the learner's phone
const pages = [];
let token; // the learner's own API token, for checking what was stored
const modules = {}; // title → module

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/* Screenshots of the page as it is now, at phone and desktop width (then back to `size`). */
async function shots(p, name, size = PHONE) {
  await p.setViewportSize(PHONE);
  await screenshot(p, `learner-${name}-phone`);
  await p.setViewportSize(DESKTOP);
  await screenshot(p, `learner-${name}-desktop`);
  await p.setViewportSize(size);
}

async function progressOf(title) {
  const r = await apiCall(server, "GET", `/api/v1/modules/${modules[title].id}/progress`, { token });
  assert.equal(r.status, 200);
  return r.body;
}

async function screensOf(title) {
  const r = await apiCall(server, "GET", `/api/v1/modules/${modules[title].id}/screens`, { token });
  assert.equal(r.status, 200);
  return r.body.items;
}

async function expectPosition(p, text) {
  await p.locator(".player-position").filter({ hasText: text }).waitFor();
}

test("a learner registers through the register page and finds the linear module by searching", async () => {
  page = await newPage(browser, server, PHONE);
  pages.push(page);
  // Someone sent them the catalogue's address: they register and land there.
  await page.goto("/app/register?next=%2Fapp%2Fmodules");
  await checkA11y(page, "register page");
  await page.getByLabel("Your name").fill(LEARNER.name);
  await page.getByLabel("Email").fill(LEARNER.email);
  await page.getByLabel("Password").fill(LEARNER.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: "Modules" }).waitFor();

  const login = await apiLogin(server, LEARNER.email, LEARNER.password);
  token = login.access_token;
  assert.equal(login.user.role, "learner");
  for (const m of (await apiCall(server, "GET", "/api/v1/modules?limit=100", { token })).body.items) modules[m.title] = m;
  assert.ok(modules["Fire Safety Basics"] && modules["Data Protection Essentials"]);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Modules" }).waitFor();
  const list = page.getByRole("list", { name: "Modules" });
  await list.getByRole("link", { name: "Data Protection Essentials" }).waitFor();
  assert.equal(await list.getByRole("listitem").count(), 3);
  await assert.doesNotReject(list.getByText("by TrainSmart Team").first().waitFor());
  await checkA11y(page, "catalogue");

  await page.getByLabel("Search modules").fill("fire");
  await page.waitForURL(/[?&]q=fire/);
  await page.getByRole("status").filter({ hasText: "1 module shown for “fire”." }).waitFor();
  assert.equal(await list.getByRole("listitem").count(), 1);
  await shots(page, "catalogue");

  // The search is in the address: a reload keeps it.
  await page.reload();
  assert.equal(await page.getByLabel("Search modules").inputValue(), "fire");
  await page.getByRole("status").filter({ hasText: "1 module shown for “fire”." }).waitFor();
  assert.equal(await list.getByRole("listitem").count(), 1);

  await page.getByLabel("Search modules").fill("no such module");
  await page.getByText("No modules match your search.").waitFor();
  await checkA11y(page, "catalogue, empty search");
  await page.getByRole("button", { name: "Clear search" }).click();
  await list.getByRole("link", { name: "Handling a Difficult Customer Conversation" }).waitFor();
  await page.getByLabel("Search modules").fill("Fire");
  await page.waitForURL(/[?&]q=Fire/);
  await list.getByRole("link", { name: "Data Protection Essentials" }).waitFor({ state: "detached" });
  await list.getByRole("link", { name: "Fire Safety Basics" }).click();
  await page.getByRole("heading", { level: 1, name: "Fire Safety Basics" }).waitFor();
  await page.getByText("Not started").waitFor();
  await checkA11y(page, "module page");
  await shots(page, "module");
});

test("the learner completes the linear module, screen by screen", async () => {
  await page.getByRole("link", { name: "Start" }).click();
  await expectPosition(page, "Screen 1 of 6");
  const bar = page.getByRole("progressbar", { name: "Module progress" });
  assert.equal(await bar.getAttribute("aria-valuenow"), "0");
  await page.getByRole("heading", { level: 2, name: "Why fire safety matters" }).waitFor();
  await page.getByText("Most workplace fires are preventable.").waitFor();
  await checkA11y(page, "player, content screen");
  await page.getByRole("button", { name: "Next" }).click();
  await expectPosition(page, "Screen 2 of 6");
  await page.getByRole("heading", { level: 2, name: "When the alarm sounds" }).waitFor();
  // Previous goes back by keyboard, too.
  await page.getByRole("button", { name: "Previous" }).focus();
  await page.keyboard.press("Enter");
  await expectPosition(page, "Screen 1 of 6");
  await page.getByRole("button", { name: "Next" }).click();
  await expectPosition(page, "Screen 2 of 6");
  await page.getByRole("button", { name: "Next" }).click();

  // The question: the answer is graded by the server and the explanation shown.
  await expectPosition(page, "Screen 3 of 6");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("alert").filter({ hasText: "Answer the question and check your answer to continue." }).waitFor();
  // By keyboard: arrow keys move the choice within the radio group, Tab reaches "Check answer".
  await page.getByRole("radio", { name: "Water" }).focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getByRole("radio", { name: "Carbon dioxide (CO2)" }).isChecked(), true);
  await page.keyboard.press("Tab"); // out of the group: the next control
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Check answer");
  await page.keyboard.press("Enter");
  const result = page.locator(".question-result");
  await result.getByText("Correct.").waitFor();
  await result.getByText(/CO2 is safe on live electrical equipment/).waitFor();
  assert.equal(await page.getByRole("radio", { name: "Carbon dioxide (CO2)" }).isDisabled(), true);
  // The button is gone with the answer: the result has the keyboard focus (and is read out).
  await page.waitForFunction(() => document.activeElement?.classList.contains("question-result"));
  await checkA11y(page, "player, question with its graded result");
  await shots(page, "question-result");
  await page.getByRole("button", { name: "Next" }).click();

  // Reflection: at least 20 characters.
  await expectPosition(page, "Screen 4 of 6");
  const reflection = page.getByLabel(/Picture your usual workspace/);
  await reflection.fill("By the kitchen");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("alert").filter({ hasText: "at least 20 characters" }).waitFor();
  // The field is marked, says why (aria-describedby) and has the focus.
  assert.equal(await reflection.getAttribute("aria-invalid"), "true");
  assert.match(await reflection.getAttribute("aria-describedby"), /\bplayer-hint\b/);
  assert.equal(await reflection.evaluate((el) => el === document.activeElement), true);
  await checkA11y(page, "player, reflection too short");
  await reflection.fill("Out by the kitchen door; if smoke blocks it, down the east stairwell.");
  await checkA11y(page, "player, reflection screen");
  await page.getByRole("button", { name: "Next" }).click();

  // Checklist: the required items.
  await expectPosition(page, "Screen 5 of 6");
  await page.getByRole("checkbox", { name: /nearest fire exits/ }).check();
  await page.getByRole("checkbox", { name: /assembly point/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("alert").filter({ hasText: "Tick every required item" }).waitFor();
  // The unticked required item has the focus; the group says why.
  const alarm = page.getByRole("checkbox", { name: /raise the alarm/ });
  assert.equal(await alarm.evaluate((el) => el === document.activeElement), true);
  assert.equal(await page.getByRole("group", { name: /./ }).filter({ has: alarm }).getAttribute("aria-describedby"), "player-hint");
  await alarm.check();
  await checkA11y(page, "player, checklist screen");
  await page.getByRole("button", { name: "Next" }).click();

  await expectPosition(page, "Screen 6 of 6");
  await page.getByRole("button", { name: "Finish" }).click();
  await page.getByRole("heading", { level: 2, name: "Module completed" }).waitFor();
  await page.locator(".finish").getByText("Completed", { exact: true }).waitFor();
  assert.equal(await page.getByRole("progressbar", { name: "Module progress" }).getAttribute("aria-valuenow"), "100");
  await checkA11y(page, "player, module completed");

  const p = await progressOf("Fire Safety Basics");
  assert.equal(p.status, "completed");
  assert.equal(p.percent, 100);
  const screens = await screensOf("Fire Safety Basics");
  assert.deepEqual([...p.progress_data.completed_screen_ids].sort(), screens.map((s) => s.id).sort());
  assert.equal(p.progress_data.responses[screens[3].id].text, "Out by the kitchen door; if smoke blocks it, down the east stairwell.");
  assert.deepEqual([...p.progress_data.responses[screens[4].id].checked_item_ids].sort(), ["assembly", "call-point", "exits"]);
  assert.deepEqual(p.progress_data.responses[screens[2].id].option_ids, ["b"]);

  // The module page now says Completed and offers a review.
  await page.getByRole("link", { name: "About this module" }).click();
  await page.locator("#your-progress + p").getByText("Completed").waitFor();
  await page.getByRole("link", { name: "Review" }).waitFor();
});

test("the learner fails the assessment on purpose, starts a new attempt and passes the second", async () => {
  const title = "Data Protection Essentials";
  await page.goto("/app/modules");
  await page.getByLabel("Type").selectOption({ label: "Assessment" });
  await page.waitForURL(/[?&]flow=assessment/);
  const list = page.getByRole("list", { name: "Modules" });
  await list.getByRole("link", { name: "Fire Safety Basics" }).waitFor({ state: "detached" });
  await list.getByRole("link", { name: title }).click();
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
  const facts = page.locator("dl.facts");
  await facts.getByText("70%").waitFor();
  await facts.getByText("0 of 3").waitFor();
  await checkA11y(page, "assessment module page");
  await page.getByRole("link", { name: "Start" }).click();

  await expectPosition(page, "Screen 1 of 7");
  await page.getByRole("button", { name: "Next" }).click();
  await expectPosition(page, "Screen 2 of 7");
  // Attempt 1: one wrong answer, the rest left open.
  await page.getByRole("radio", { name: "The public opening hours of your office" }).check();
  await page.locator(".question-result").getByText(/graded when you submit/).waitFor();
  await checkA11y(page, "player, assessment question");
  for (let i = 3; i <= 7; i++) {
    await page.getByRole("button", { name: "Next" }).click();
    await expectPosition(page, `Screen ${i} of 7`);
  }
  await page.getByRole("button", { name: "Review and submit" }).click();
  await page.getByRole("heading", { level: 2, name: "Review and submit" }).waitFor();
  await page.getByText("You have answered 1 of 6 questions.").waitFor();
  await checkA11y(page, "player, review and submit");
  await page.getByRole("button", { name: "Submit answers" }).click();
  await page.getByRole("heading", { level: 2, name: "Your result" }).waitFor();
  await page.getByText("Score: 0%").waitFor();
  await page.locator(".score-box").getByText("Failed", { exact: true }).waitFor();
  await page.getByText("You need 70% to pass.").waitFor();
  // §6.4: explanations after submitting; the correct options only when no attempt is left.
  await page.locator(".attempt-review").getByText(/Explanation:/).first().waitFor();
  assert.equal(await page.locator(".attempt-review").getByText("Correct answer:").count(), 0);
  await checkA11y(page, "player, failed attempt");
  let p = await progressOf(title);
  assert.equal(p.status, "failed");
  assert.equal(p.score, 0);

  // Attempt 2: all correct.
  await page.getByRole("button", { name: "Start a new attempt" }).click();
  await expectPosition(page, "Screen 1 of 7");
  await page.getByRole("button", { name: "Next" }).click();
  const answers = [
    [/work email address/],
    [/creates urgency/, /unfamiliar domain/, /enter your password via a link/],
    [/Report it immediately/],
    [/compatible with the purpose/, /only the fields/, /approved secure file-sharing/],
    [/No longer than necessary/],
    [/Lock your screen/, /locked drawer/],
  ];
  for (const [i, names] of answers.entries()) {
    await expectPosition(page, `Screen ${i + 2} of 7`);
    const single = names.length === 1;
    for (const name of names) await page.getByRole(single ? "radio" : "checkbox", { name }).check();
    await page.getByRole("button", { name: i === answers.length - 1 ? "Review and submit" : "Next" }).click();
  }
  await page.getByText("You have answered 6 of 6 questions.").waitFor();
  await page.getByRole("button", { name: "Submit answers" }).click();
  await page.getByText("Score: 100%").waitFor();
  await page.locator(".score-box").getByText("Passed", { exact: true }).waitFor();
  await page.locator(".attempt-review").getByText("Correct answer:").first().waitFor();
  await page.getByRole("table").getByRole("cell", { name: "Not passed" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Start a new attempt" }).count(), 0);
  await checkA11y(page, "player, assessment passed");
  await shots(page, "assessment-result");

  p = await progressOf(title);
  assert.equal(p.status, "passed");
  assert.equal(p.score, 100);
  assert.deepEqual(
    p.progress_data.attempts.map((a) => [a.attempt, a.score, a.passed]),
    [
      [1, 0, false],
      [2, 100, true],
    ],
  );

  await page.getByRole("link", { name: "About this module" }).click();
  await facts.getByText("2 of 3").waitFor();
  await facts.getByText("100% (passed)").waitFor();
});

test("the learner takes the branching scenario half-way and finishes it on another device", async () => {
  const title = "Handling a Difficult Customer Conversation";
  await page.goto("/app/modules?flow=branching");
  await page.getByRole("list", { name: "Modules" }).getByRole("link", { name: title }).click();
  await page.getByRole("link", { name: "Start" }).click();
  await expectPosition(page, "Step 1");
  await page.getByRole("heading", { level: 2, name: "The situation" }).waitFor();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("heading", { level: 2, name: "Your first words" }).waitFor();
  await checkA11y(page, "player, branch screen");
  await page.getByRole("button", { name: /transfer you to logistics/ }).click();
  await page.getByRole("heading", { level: 2, name: "The call gets harder" }).waitFor();
  await expectPosition(page, "Step 3");
  // Back along the path: the choice taken is shown, not offered again.
  await page.getByRole("button", { name: "Previous" }).click();
  await page.getByText(/Your choice:.*transfer you to logistics/).waitFor();
  assert.equal(await page.getByRole("button", { name: /Let me pull up your order/ }).count(), 0);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("heading", { level: 2, name: "The call gets harder" }).waitFor();

  // Another device: a new browser context. The module's address asks them to sign in first,
  // then brings them back to it.
  const other = await newPage(browser, server, DESKTOP);
  pages.push(other);
  await other.goto(`/app/modules/${modules[title].id}`);
  await other.getByLabel("Email").fill(LEARNER.email);
  await other.getByLabel("Password").fill(LEARNER.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await other.getByRole("heading", { level: 1, name: title }).waitFor();
  await other.getByText("In progress").waitFor();
  await other.getByRole("link", { name: "Resume" }).click();
  await other.getByRole("heading", { level: 2, name: "The call gets harder" }).waitFor();
  await expectPosition(other, "Step 3");
  await other.getByRole("button", { name: "Next" }).click();
  await other.getByRole("heading", { level: 2, name: "A second chance" }).waitFor();
  await other.getByRole("button", { name: /Transfer the call to your team lead/ }).click();
  await other.getByRole("heading", { level: 2, name: "Ending: customer lost" }).waitFor();
  await other.getByText("This is an ending of the scenario.").waitFor();
  await other.getByRole("button", { name: "Finish" }).click();
  await other.getByRole("heading", { level: 2, name: "Module completed" }).waitFor();
  await other.getByText("You reached an ending: “Ending: customer lost” after 5 steps.").waitFor();
  await checkA11y(other, "player, branching ending");
  assert.equal(await other.getByText(NOTICE_FREE).count(), 0);

  const p = await progressOf(title);
  assert.equal(p.status, "completed");
  const byId = new Map((await screensOf(title)).map((s) => [s.id, s.title]));
  assert.deepEqual(
    p.progress_data.path.map((s) => [byId.get(s.screen_id), s.choice_id]),
    [
      ["The situation", null],
      ["Your first words", "transfer"],
      ["The call gets harder", null],
      ["A second chance", "hand_over"],
      ["Ending: customer lost", null],
    ],
  );
});

test("the catalogue pages with Load more and filters by type", async () => {
  // Twelve more published modules (by the admin, through the API) make the catalogue two pages.
  const admin = await apiLogin(server, ADMIN.email, ADMIN.password);
  const auth = { token: admin.access_token };
  for (let i = 1; i <= 12; i++) {
    const title = `Practice module ${String(i).padStart(2, "0")}`;
    const m = await apiCall(server, "POST", "/api/v1/modules", { ...auth, body: { title, flow_type: "linear" } });
    assert.equal(m.status, 201);
    const s = await apiCall(server, "POST", `/api/v1/modules/${m.body.id}/screens`, {
      ...auth,
      body: { type: "content", title: "Only screen", content: { body: "Practice makes perfect." } },
    });
    assert.equal(s.status, 201);
    assert.equal((await apiCall(server, "POST", `/api/v1/modules/${m.body.id}/publish`, auth)).status, 200);
  }
  await page.goto("/app/modules");
  const list = page.getByRole("list", { name: "Modules" });
  await page.getByRole("status").filter({ hasText: "12 modules shown, more available." }).waitFor();
  assert.equal(await list.getByRole("listitem").count(), 12);
  await list.getByRole("link", { name: "Practice module 12" }).waitFor();
  await page.getByRole("button", { name: "Load more" }).click();
  await page.getByRole("status").filter({ hasText: "15 modules shown." }).waitFor();
  assert.equal(await list.getByRole("listitem").count(), 15);
  await list.getByRole("link", { name: "Fire Safety Basics" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Load more" }).count(), 0);
  await checkA11y(page, "catalogue, second page");

  await page.getByLabel("Type").selectOption({ label: "Branching" });
  await page.getByRole("status").filter({ hasText: "1 module shown." }).waitFor();
  await list.getByRole("link", { name: "Handling a Difficult Customer Conversation" }).waitFor();
});

test("after the three modules the learner checks in and sees the streak on the dashboard", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Check-ins" }).click();
  await page.getByRole("heading", { name: "Check in for today" }).waitFor();
  await page.getByRole("group", { name: /^Mood/ }).getByRole("radio", { name: "Very good", exact: true }).check();
  await page.getByRole("group", { name: /^Confidence/ }).getByRole("radio", { name: "Very confident", exact: true }).check();
  await page.getByLabel("Note (optional)").fill("Three modules done today.");
  await page.getByRole("button", { name: "Save check-in" }).click();
  await page.getByRole("status").filter({ hasText: "Current streak: 1 day." }).waitFor();
  await checkA11y(page, "check-ins after the journey");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  const card = page.getByRole("region", { name: "Daily check-in" });
  await card.getByText("Current streak: 1 day · Longest: 1 day").waitFor();
  await card.getByText("You checked in today.").waitFor();
  await checkA11y(page, "dashboard after the journey");

  const streak = await apiCall(server, "GET", "/api/v1/checkins/streak", { token });
  assert.equal(streak.status, 200);
  assert.equal(streak.body.current_streak, 1);
  assert.equal(streak.body.today_done, true);
  const mine = await apiCall(server, "GET", "/api/v1/checkins", { token });
  assert.equal(mine.body.items.length, 1);
  assert.equal(mine.body.items[0].note, "Three modules done today.");
});

test("the learner leaves feedback on a screen of the linear module", async () => {
  const title = "Fire Safety Basics";
  await page.goto(`/app/modules/${modules[title].id}`);
  const form = page.getByRole("form", { name: "Leave feedback" });
  await form.getByRole("button", { name: "Send feedback" }).click();
  await form.getByText("Choose a rating from 1 to 5.").waitFor();
  await checkA11y(page, "module page, feedback without a rating");
  await form.getByRole("group", { name: "Your rating" }).getByRole("radio", { name: "4 – Very good" }).check();
  await form.getByLabel("Comment (optional)").fill("Clear and short; the extinguisher question was useful.");
  await form.getByLabel("About a screen (optional)").selectOption({ label: "3. Choose the right extinguisher" });

  // A 422 from the server marks the field it names (answered here by the test, once).
  const feedbackUrl = `**/api/v1/modules/${modules[title].id}/feedback`;
  await page.route(feedbackUrl, (route) =>
    route.fulfill({
      status: 422,
      contentType: "application/json",
      body: JSON.stringify({
        detail: [{ loc: ["body", "comment"], msg: "String should have at most 2000 characters", type: "string_too_long" }],
      }),
    }),
  );
  await form.getByRole("button", { name: "Send feedback" }).click();
  // …in plain words, not the server's pydantic wording.
  await form.getByText("Use at most 2000 characters.").waitFor();
  assert.equal(await form.getByLabel("Comment (optional)").getAttribute("aria-invalid"), "true");
  await checkA11y(page, "module page, feedback with a field error");
  await page.unroute(feedbackUrl);

  await form.getByRole("button", { name: "Send feedback" }).click();
  await form.getByRole("status").filter({ hasText: "Thank you — your feedback was sent" }).waitFor();
  await checkA11y(page, "module page, feedback sent");

  const admin = await apiLogin(server, ADMIN.email, ADMIN.password);
  const fb = await apiCall(server, "GET", `/api/v1/modules/${modules[title].id}/feedback`, { token: admin.access_token });
  assert.equal(fb.status, 200);
  assert.equal(fb.body.items.length, 1);
  const [item] = fb.body.items;
  const extinguisher = (await screensOf(title)).find((s) => s.title === "Choose the right extinguisher");
  assert.equal(item.rating, 4);
  assert.equal(item.comment, "Clear and short; the extinguisher question was useful.");
  assert.equal(item.screen_id, extinguisher.id);

  for (const p of pages) {
    assertNoForeignRequests(p);
    assert.deepEqual(p.consoleErrors.filter((e) => !/status of 422/.test(e)), []);
  }
});
