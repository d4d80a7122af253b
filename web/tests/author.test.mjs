// The author's journey through the studio, in a real browser against a real server: build a
// three-screen branching module, meet a publish error next to its field, fix it and publish;
// reorder screens by keyboard; assign the module to a learner whose open page receives the
// notification live; read feedback and analytics after learners went through it; the check-in
// summary; archive and copy.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  apiCall,
  apiLogin,
  assertNoForeignRequests,
  checkA11y,
  createUser,
  DESKTOP,
  launchBrowser,
  newPage,
  PHONE,
  screenshot,
  startServer,
  uiLogin,
} from "./lib.mjs";

const TITLE = "Handling a complaint";

/* Screenshots at both widths, then back to the desktop size. */
async function shots(page, name) {
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await checkA11y(page, `${name} (phone)`);
  await page.setViewportSize(DESKTOP);
}

/* The text of the elements a control's aria-describedby points at (its hint and error). */
async function description(locator) {
  return locator.evaluate((el) =>
    (el.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" "),
  );
}

/* Polls an API read until `check` accepts it (the UI's write may still be in flight). */
async function until(read, check, what) {
  let last;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: last answer ${JSON.stringify(last)}`);
}

describe("author studio", () => {
  let server;
  let browser;
  let author;
  let authorToken;
  let learner;
  let learner2;
  let page; // the author's
  let learnerPage; // the learner's, open before the assignment is made
  let moduleId;
  const screenIds = {};

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    author = await createUser(server, { email: "olga.author@example.test", displayName: "Olga Author", role: "author" });
    learner = await createUser(server, { email: "lena.learner@example.test", displayName: "Lena Learner" });
    learner2 = await createUser(server, { email: "max.learner@example.test", displayName: "Max Learner" });
    authorToken = (await apiLogin(server, author.email, author.password)).access_token;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("builds a branching module, sees the publish error at its field, fixes it and publishes", async () => {
    page = await newPage(browser, server, DESKTOP);
    await uiLogin(page, author.email, author.password);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Studio" }).click();
    await page.getByRole("heading", { level: 1, name: "Studio" }).waitFor();
    await page.getByText("You have no modules yet").waitFor();
    await checkA11y(page, "studio list (empty)");

    await page.getByRole("button", { name: "New module" }).click();
    await page.getByRole("textbox", { name: "Title", exact: true }).fill(TITLE);
    await page.getByLabel("Description").fill("What to do when a customer is upset.");
    await page.getByLabel("Flow type").selectOption("branching");
    await checkA11y(page, "new module form");
    await page.getByRole("button", { name: "Create module" }).click();
    await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    moduleId = page.url().split("/").pop();
    assert.match(moduleId, /^[0-9a-f-]{36}$/);

    // Two ending screens, then the branch screen whose choices lead to them.
    for (const [title, body] of [
      ["Calm ending", "You listened, and the customer calmed down."],
      ["Rushed ending", "The refund came too fast; the real problem stayed."],
    ]) {
      await page.getByRole("button", { name: "Add screen" }).click();
      const form = page.getByRole("form", { name: "New screen" });
      await form.getByLabel("Screen type").selectOption("content");
      await form.getByLabel("Screen title").fill(title);
      await form.getByLabel("Body").fill(body);
      assert.equal(await form.getByLabel("Next screen").inputValue(), "", "an ending leads nowhere");
      await form.getByRole("button", { name: "Add screen" }).click();
      await page.getByRole("heading", { level: 3, name: title }).waitFor();
      // Focus moves to the new screen, not back to the page's body.
      await page.waitForFunction((t) => document.activeElement?.tagName === "H3" && document.activeElement.textContent?.includes(t), title);
    }
    await page.getByRole("button", { name: "Add screen" }).click();
    const form = page.getByRole("form", { name: "New screen" });
    await form.getByLabel("Screen type").selectOption("branch");
    await form.getByLabel("Screen title").fill("How do you respond?");
    await form.getByLabel("Prompt").fill("A customer complains loudly at the counter.");
    await form.getByLabel("Choice 1 label").fill("Listen first");
    await form.getByLabel("Choice 1 leads to").selectOption({ label: "Calm ending" });
    await form.getByLabel("Choice 2 label").fill("Offer a refund at once");
    await form.getByLabel("Choice 2 leads to").selectOption({ label: "Rushed ending" });
    await checkA11y(page, "new branch screen form");
    await form.getByRole("button", { name: "Add screen" }).click();
    await page.getByRole("heading", { level: 3, name: "How do you respond?" }).waitFor();

    const screens = (await apiCall(server, "GET", `/api/v1/modules/${moduleId}/screens`, { token: authorToken })).body.items;
    assert.deepEqual(
      screens.map((s) => [s.position, s.type, s.title]),
      [
        [1, "content", "Calm ending"],
        [2, "content", "Rushed ending"],
        [3, "branch", "How do you respond?"],
      ],
    );
    for (const s of screens) screenIds[s.title] = s.id;
    assert.deepEqual(
      screens[2].content.choices.map((c) => [c.text, c.next_screen_id]),
      [
        ["Listen first", screenIds["Calm ending"]],
        ["Offer a refund at once", screenIds["Rushed ending"]],
      ],
    );

    // Publish without a start screen: the error is listed at the top and shown at its field.
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const summary = page.getByRole("alert").filter({ hasText: "cannot be published yet" });
    await summary.waitFor();
    const link = summary.getByRole("link", { name: /Start screen: Start screen is not a screen of this module/ });
    await link.waitFor();
    const start = page.getByLabel("Start screen");
    assert.equal(await start.getAttribute("aria-invalid"), "true");
    assert.match(await description(start), /Start screen is not a screen of this module/);
    await checkA11y(page, "module editor with a publish error");
    await shots(page, "studio-editor-publish-error");
    await link.click();
    await page.waitForFunction((id) => document.activeElement?.id === id, await start.getAttribute("id")); // the link moved focus to the field
    assert.equal((await apiCall(server, "GET", `/api/v1/modules/${moduleId}`, { token: authorToken })).body.status, "draft");

    // Reorder by keyboard: the branch screen moves to the top, one announced step at a time.
    const up = page.getByRole("button", { name: "Move “How do you respond?” up" });
    await up.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "“How do you respond?” moved to position 2 of 3." }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Move “How do you respond?” up", "focus stays on the button");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "“How do you respond?” moved to position 1 of 3." }).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("aria-label")),
      "Move “How do you respond?” down",
      "at the top, focus goes to the other move button",
    );
    await until(
      () => apiCall(server, "GET", `/api/v1/modules/${moduleId}/screens`, { token: authorToken }),
      (r) => r.body.items.map((s) => s.title).join("|") === "How do you respond?|Calm ending|Rushed ending",
      "the new order is stored",
    );
    assert.deepEqual(
      await page.locator(".studio-screens h3").allInnerTexts(),
      ["1. How do you respond?", "2. Calm ending", "3. Rushed ending"],
    );

    // Fix: choose the start screen, save, publish.
    await start.selectOption({ label: "How do you respond?" });
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    assert.equal(await page.getByLabel("Start screen").getAttribute("aria-invalid"), null, "the fixed field is no longer marked");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByText("Published. Learners can now find it in the catalogue.").waitFor();
    await page.locator(".studio-status .badge", { hasText: "Published" }).waitFor();
    assert.equal(await page.getByRole("alert").filter({ hasText: "cannot be published yet" }).count(), 0);
    const published = (await apiCall(server, "GET", `/api/v1/modules/${moduleId}`, { token: authorToken })).body;
    assert.equal(published.status, "published");
    assert.equal(published.settings.start_screen_id, screenIds["How do you respond?"]);
    // A published module is read-only, with the way to change it explained.
    await page.getByText("so it can no longer be edited").waitFor();
    await page.getByRole("button", { name: "Copy to edit" }).waitFor();
    assert.equal(await page.getByRole("button", { name: /^Move / }).count(), 0);
    await checkA11y(page, "published module");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Studio" }).click();
    await page.getByRole("link", { name: TITLE, exact: true }).waitFor();
    await page.getByLabel("Status").selectOption("draft");
    await page.getByText("No modules match.").waitFor();
    await page.getByLabel("Status").selectOption("published");
    await page.getByRole("link", { name: TITLE, exact: true }).waitFor();
    await checkA11y(page, "studio list");
    await shots(page, "studio-list");
  });

  test("assigns the module to a learner with a due date; the learner's open page gets the notification", async () => {
    assert.ok(moduleId && page, "the module built in the first step"); // fail at once, not by timeouts
    learnerPage = await newPage(browser, server, PHONE);
    await uiLogin(learnerPage, learner.email, learner.password);
    await learnerPage.evaluate(() => (window.__notReloaded = true)); // gone if the page reloads

    await page.goto(`/app/studio/modules/${moduleId}`);
    await page.getByRole("navigation", { name: "Module" }).getByRole("link", { name: "Assign" }).click();
    await page.getByRole("heading", { level: 1, name: `Assign: ${TITLE}` }).waitFor();
    await page.getByText("Nobody is assigned this module yet.").waitFor();
    await page.getByLabel("Find learners by name or email").fill("lena");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByLabel(/Lena Learner/).check();
    assert.equal(await page.getByLabel(/Max Learner/).count(), 0, "the search narrowed the list");
    const due = new Date(Date.now() + 3 * 86400_000);
    const p = (n) => String(n).padStart(2, "0");
    const dueDate = `${due.getFullYear()}-${p(due.getMonth() + 1)}-${p(due.getDate())}`;
    await page.getByLabel("Due date").fill(dueDate);
    await page.getByLabel("Due time").fill("17:00");
    await checkA11y(page, "assign");
    await page.getByRole("button", { name: "Assign to 1 learner" }).click();
    await page.getByText("Assigned to Lena Learner.").waitFor();
    // Nobody is picked now, yet the keyboard focus stays on the (unavailable) button, not <body>.
    const assignButton = page.getByRole("button", { name: "Assign to 0 learners" });
    assert.equal(await assignButton.getAttribute("aria-disabled"), "true");
    assert.equal(await assignButton.evaluate((b) => b === document.activeElement), true);
    const row = page.locator(".studio-assignment", { hasText: "Lena Learner" });
    await row.getByText(/^Due /).waitFor();

    const list = (await apiCall(server, "GET", `/api/v1/assignments?module_id=${moduleId}`, { token: authorToken })).body.items;
    assert.equal(list.length, 1);
    assert.equal(list[0].user_id, learner.id);
    const expected = await page.evaluate((d) => new Date(`${d}T17:00:00`).toISOString(), dueDate);
    assert.equal(list[0].due_at, expected, "the local date and time, with the browser's offset");
    await shots(page, "studio-assign");

    // The learner did not reload: the bell (its own contract) counts the new notification.
    await learnerPage.getByRole("button", { name: "Notifications, 1 unread" }).waitFor({ timeout: 10_000 });
    assert.equal(await learnerPage.evaluate(() => window.__notReloaded), true, "the learner's page was not reloaded");
    assertNoForeignRequests(learnerPage);
  });

  test("feedback and analytics after learners went through the module", async () => {
    assert.ok(moduleId && page, "the module built in the first step"); // fail at once, not by timeouts
    // Lena finishes along "Listen first" and leaves feedback; Max stops at the branch screen.
    const lena = (await apiLogin(server, learner.email, learner.password)).access_token;
    const max = (await apiLogin(server, learner2.email, learner2.password)).access_token;
    const branch = screenIds["How do you respond?"];
    const done = await apiCall(server, "PUT", `/api/v1/modules/${moduleId}/progress`, {
      token: lena,
      body: {
        version: 0,
        progress_data: { path: [{ screen_id: branch, choice_id: "c1" }, { screen_id: screenIds["Calm ending"], choice_id: null }], responses: {} },
      },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, "completed");
    const stopped = await apiCall(server, "PUT", `/api/v1/modules/${moduleId}/progress`, {
      token: max,
      body: { version: 0, progress_data: { path: [{ screen_id: branch, choice_id: null }], responses: {} } },
    });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    const fb = await apiCall(server, "POST", `/api/v1/modules/${moduleId}/feedback`, {
      token: lena,
      body: { rating: 4, comment: "Clear choices, realistic endings.", screen_id: branch },
    });
    assert.equal(fb.status, 201);
    assert.equal((await apiCall(server, "POST", "/api/v1/checkins", { token: lena, body: { mood: 4, confidence: 3 } })).status, 201);
    assert.equal((await apiCall(server, "POST", "/api/v1/checkins", { token: max, body: { mood: 2, confidence: 5 } })).status, 201);

    await page.goto(`/app/studio/modules/${moduleId}/feedback`);
    await page.getByRole("heading", { level: 1, name: `Feedback: ${TITLE}` }).waitFor();
    await page.getByText("Average rating 4.00 out of 5").waitFor();
    const entry = page.locator(".studio-feedback", { hasText: "Clear choices, realistic endings." });
    await entry.getByText("Lena Learner · on screen “How do you respond?”").waitFor();
    await entry.getByRole("img", { name: "4 out of 5" }).waitFor();
    assert.equal(await page.getByRole("row", { name: "4 stars 1" }).count(), 1);
    await checkA11y(page, "feedback");

    await page.getByRole("navigation", { name: "Module" }).getByRole("link", { name: "Analytics" }).click();
    await page.getByRole("heading", { level: 1, name: `Analytics: ${TITLE}` }).waitFor();
    const chart = page.getByRole("img", { name: "Reach and drop-off per screen" });
    await chart.waitFor();
    assert.match(await chart.evaluate((el) => el.querySelector("desc")?.textContent ?? ""), /How do you respond\?: reached by 2, 1 stopped there/);
    const cells = async (name) => page.getByRole("row", { name }).getByRole("cell").allInnerTexts();
    assert.deepEqual(await cells(/1\. How do you respond\?/), ["Branch (choices)", "2", "100%", "1", "50%"]);
    assert.deepEqual(await cells(/2\. Calm ending/), ["Content", "1", "50%", "0", "0%"]);
    assert.deepEqual(await cells(/3\. Rushed ending/), ["Content", "0", "0%", "0", "0%"]);
    await checkA11y(page, "analytics");
    await shots(page, "studio-analytics");

    await page.goto("/app/studio");
    await page.getByRole("link", { name: "Check-in summary" }).click();
    await page.getByRole("heading", { level: 1, name: "Check-in summary" }).waitFor();
    await page.getByText("2 check-ins", { exact: true }).waitFor();
    await page.getByRole("img", { name: /Check-ins per day/ }).waitFor();
    const today = await page.evaluate(() => {
      const d = new Date();
      return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(d);
    });
    await page.getByText("Table of the same numbers").click(); // 30 days: the table starts folded
    assert.deepEqual(await page.getByRole("row", { name: new RegExp(today) }).getByRole("cell").allInnerTexts(), ["2", "3", "4"]);
    await checkA11y(page, "check-in summary");
    await shots(page, "studio-checkins");
  });

  test("archives the module, publishes it again, archives it, and copies it into a new draft", async () => {
    assert.ok(moduleId && page, "the module built in the first step"); // fail at once, not by timeouts
    await page.goto(`/app/studio/modules/${moduleId}`);
    await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    await page.getByRole("button", { name: "Archive" }).click();
    await page.locator(".studio-status .badge", { hasText: "Archived" }).waitFor();
    assert.equal((await apiCall(server, "GET", `/api/v1/modules/${moduleId}`, { token: authorToken })).body.status, "archived");
    await page.getByRole("button", { name: "Publish again" }).click();
    await page.locator(".studio-status .badge", { hasText: "Published" }).waitFor();
    assert.equal((await apiCall(server, "GET", `/api/v1/modules/${moduleId}`, { token: authorToken })).body.status, "published");
    await page.getByRole("button", { name: "Archive" }).click();
    await page.locator(".studio-status .badge", { hasText: "Archived" }).waitFor();

    await page.getByRole("button", { name: "Copy to edit" }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/app/studio/modules/") && !u.pathname.endsWith(moduleId));
    await page.getByText(`This is a new draft copied from “${TITLE}”`).waitFor();
    await page.locator(".studio-status .badge", { hasText: "Draft" }).waitFor();
    const copyId = new URL(page.url()).pathname.split("/").pop();
    const copy = (await apiCall(server, "GET", `/api/v1/modules/${copyId}`, { token: authorToken })).body;
    assert.equal(copy.status, "draft");
    assert.equal(copy.copied_from_id, moduleId);
    assert.equal(copy.screen_count, 3);
    // The copy is editable: its screens have move buttons and its start screen is the copied one.
    await page.getByRole("button", { name: "Move “How do you respond?” down" }).waitFor();
    assert.equal(await page.getByLabel("Start screen").locator("option:checked").innerText(), "How do you respond?");
    await checkA11y(page, "copied draft");

    // Drag and drop: the last screen dropped on the first one takes its place.
    const card = (title) => page.locator(".studio-screen").filter({ has: page.getByRole("heading", { level: 3, name: title }) });
    await card("Rushed ending").locator(".studio-handle").dragTo(card("How do you respond?"));
    await page.getByRole("status").filter({ hasText: "“Rushed ending” moved to position 1 of 3." }).waitFor();
    await until(
      () => apiCall(server, "GET", `/api/v1/modules/${copyId}/screens`, { token: authorToken }),
      (r) => r.body.items.map((s) => s.title).join("|") === "Rushed ending|How do you respond?|Calm ending",
      "the dragged order is stored",
    );

    // Deleting the draft asks first, and Cancel returns focus to the button.
    const del = page.getByRole("button", { name: "Delete draft" });
    await del.click();
    const dialog = page.getByRole("dialog", { name: "Delete this draft?" });
    await dialog.waitFor();
    await checkA11y(page, "delete dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Delete draft");
    await del.click();
    await dialog.getByRole("button", { name: "Delete draft" }).click();
    await page.getByRole("heading", { level: 1, name: "Studio" }).waitFor();
    assert.equal((await apiCall(server, "GET", `/api/v1/modules/${copyId}`, { token: authorToken })).status, 404);
    assertNoForeignRequests(page);
    assert.deepEqual(page.consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), []);
  });
  test("a linear module with question, reflection and checklist screens, each form marking its fields", async () => {
    assert.ok(page, "the author's page from the first step");
    await page.goto("/app/studio");
    await page.getByRole("button", { name: "New module" }).click();
    await page.getByRole("textbox", { name: "Title", exact: true }).fill("Fire safety basics");
    await page.getByRole("button", { name: "Create module" }).click();
    await page.getByRole("heading", { level: 1, name: "Fire safety basics" }).waitFor();
    const linearId = new URL(page.url()).pathname.split("/").pop();

    // Question: a local check (no correct option marked), then saved with the second option correct.
    await page.getByRole("button", { name: "Add screen" }).click();
    let form = page.getByRole("form", { name: "New screen" });
    assert.deepEqual(await form.getByLabel("Screen type").locator("option").allInnerTexts(), ["Content", "Question", "Reflection", "Checklist"]);
    await form.getByLabel("Screen type").selectOption("question");
    await form.getByLabel("Screen title").fill("Which extinguisher?");
    await form.getByLabel("Question").fill("Which extinguisher is safe on electrical fires?");
    await form.getByLabel("Option 1", { exact: true }).fill("Water");
    await form.getByLabel("Option 2", { exact: true }).fill("CO2");
    await form.getByRole("button", { name: "Add option" }).click();
    await form.getByLabel("Option 3", { exact: true }).fill("Foam");
    await form.getByRole("button", { name: "Add screen" }).click();
    await form.getByText("Mark the correct answer.").waitFor();
    await form.getByLabel("Option 2 is correct").check();
    await form.getByLabel("Explanation (shown after answering)").fill("Water conducts electricity.");
    await checkA11y(page, "question form");
    await form.getByRole("button", { name: "Add screen" }).click();
    await page.getByRole("heading", { level: 3, name: "Which extinguisher?" }).waitFor();

    // Reflection: the server's 422 (maximum below minimum) is shown at the field.
    await page.getByRole("button", { name: "Add screen" }).click();
    form = page.getByRole("form", { name: "New screen" });
    await form.getByLabel("Screen type").selectOption("reflection");
    await form.getByLabel("Screen title").fill("Your workplace");
    await form.getByLabel("Prompt").fill("Where is the nearest extinguisher?");
    await form.getByLabel("Minimum length (characters)").fill("50");
    await form.getByLabel("Maximum length (characters)").fill("10");
    await form.getByRole("button", { name: "Add screen" }).click();
    const max = form.getByLabel("Maximum length (characters)");
    await form.locator(".field-error", { hasText: "max_length must be >= min_length." }).waitFor();
    assert.match(await description(max), /max_length must be >= min_length\./);
    await max.fill("500");
    await form.getByRole("button", { name: "Add screen" }).click();
    await page.getByRole("heading", { level: 3, name: "Your workplace" }).waitFor();

    // Checklist with two items, the second optional.
    await page.getByRole("button", { name: "Add screen" }).click();
    form = page.getByRole("form", { name: "New screen" });
    await form.getByLabel("Screen type").selectOption("checklist");
    await form.getByLabel("Screen title").fill("Before you leave");
    await form.getByLabel("Prompt").fill("Check these.");
    await form.getByLabel("Item 1", { exact: true }).fill("Find the exits");
    await form.getByRole("button", { name: "Add item" }).click();
    await form.getByLabel("Item 2", { exact: true }).fill("Read the poster");
    await form.getByLabel("Item 2 is required").uncheck();
    await form.getByRole("button", { name: "Add screen" }).click();
    await page.getByRole("heading", { level: 3, name: "Before you leave" }).waitFor();

    const items = (await apiCall(server, "GET", `/api/v1/modules/${linearId}/screens`, { token: authorToken })).body.items;
    assert.deepEqual(items.map((s) => s.type), ["question", "reflection", "checklist"]);
    assert.deepEqual(items[0].content, {
      kind: "single",
      prompt: "Which extinguisher is safe on electrical fires?",
      options: [{ id: "o1", text: "Water" }, { id: "o2", text: "CO2" }, { id: "o3", text: "Foam" }],
      correct_option_ids: ["o2"],
      explanation: "Water conducts electricity.",
    });
    assert.equal(items[1].content.max_length, 500);
    assert.deepEqual(items[2].content.items.map((i) => [i.text, i.required]), [["Find the exits", true], ["Read the poster", false]]);

    // Edit the question: a fourth option, marked correct as well once the kind allows several.
    await page.getByRole("button", { name: "Edit “Which extinguisher?”" }).click();
    form = page.getByRole("form", { name: "Edit “Which extinguisher?”" });
    await form.getByLabel("Answer kind").selectOption("multiple");
    await form.getByRole("button", { name: "Add option" }).click();
    await form.getByLabel("Option 4", { exact: true }).fill("Powder");
    await form.getByLabel("Option 4 is correct").check();
    await form.getByRole("button", { name: "Remove option 3" }).click();
    await form.getByRole("button", { name: "Save screen" }).click();
    await page.getByRole("status").filter({ hasText: "Screen “Which extinguisher?” saved." }).waitFor();
    const q = (await apiCall(server, "GET", `/api/v1/modules/${linearId}/screens/${items[0].id}`, { token: authorToken })).body;
    assert.equal(q.content.kind, "multiple");
    assert.deepEqual(q.content.options.map((o) => o.text), ["Water", "CO2", "Powder"]);
    assert.deepEqual(q.content.correct_option_ids, ["o2", "o4"], "option ids stay stable across edits");

    // Delete a screen after confirming.
    await page.getByRole("button", { name: "Delete “Before you leave”" }).click();
    await page.getByRole("dialog", { name: "Delete this screen?" }).getByRole("button", { name: "Delete screen" }).click();
    await page.getByRole("status").filter({ hasText: "Screen “Before you leave” deleted." }).waitFor();
    assert.equal((await apiCall(server, "GET", `/api/v1/modules/${linearId}`, { token: authorToken })).body.screen_count, 2);
    await checkA11y(page, "linear module editor");

    // Published elsewhere (another tab) while this page still shows the draft: saving is refused
    // with the reason and the way forward, and the page turns read-only.
    assert.equal((await apiCall(server, "POST", `/api/v1/modules/${linearId}/publish`, { token: authorToken })).status, 200);
    await page.getByRole("textbox", { name: "Title", exact: true }).fill("Fire safety basics, revised");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("alert").filter({ hasText: "Only draft modules can be edited. Copy this module to change it." }).waitFor();
    await page.getByText("This module is published, so it can no longer be edited").waitFor();
    await page.getByRole("button", { name: "Copy to edit" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Save settings" }).count(), 0);
    assert.equal((await apiCall(server, "GET", `/api/v1/modules/${linearId}`, { token: authorToken })).body.title, "Fire safety basics");
  });
});
