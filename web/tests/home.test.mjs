// The learner's own pages in a real browser: the dashboard (progress and an overdue assignment),
// the daily check-in (create, streak, edit), and the notification bell fed by the SSE stream
// (a new assignment appears without a reload; mark one and mark all read).
import assert from "node:assert/strict";
import { createServer, request } from "node:http";
import { after, before, test } from "node:test";
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

let server;
let proxy;
let browser;
let page;
let author;
let authorToken;
let learner;
let learnerToken;
const modules = {};

/* A published linear module of two content screens, made by the author. */
async function publishedModule(title) {
  const m = await apiCall(server, "POST", "/api/v1/modules", {
    token: authorToken,
    body: { title, description: `All about ${title.toLowerCase()}.`, flow_type: "linear" },
  });
  assert.equal(m.status, 201, JSON.stringify(m.body));
  const screens = [];
  for (const t of ["Welcome", "Key points"]) {
    const s = await apiCall(server, "POST", `/api/v1/modules/${m.body.id}/screens`, {
      token: authorToken,
      body: { type: "content", title: t, content: { body: `${t} of ${title}.` } },
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    screens.push(s.body.id);
  }
  const p = await apiCall(server, "POST", `/api/v1/modules/${m.body.id}/publish`, { token: authorToken });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  return { id: m.body.id, title, screens };
}

async function assign(module, dueAt) {
  const r = await apiCall(server, "POST", "/api/v1/assignments", {
    token: authorToken,
    body: { module_id: module.id, user_id: learner.id, due_at: dueAt },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/* Waits for a condition of the test's own state (no browser locator to wait on). */
async function until(condition, what = "condition") {
  for (let i = 0; !condition(); i++) {
    if (i > 300) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function unreadCount() {
  const r = await apiCall(server, "GET", "/api/v1/notifications/unread-count", { token: learnerToken });
  assert.equal(r.status, 200);
  return r.body.count;
}

/*
 * A pass-through HTTP proxy in front of the server that records the notification stream requests
 * and can cut the open streams, as a network drop would: the browser then reconnects by itself.
 */
function startProxy(target) {
  const streams = [];
  const open = new Set();
  const srv = createServer((req, res) => {
    const stream = req.url.startsWith("/api/v1/notifications/stream")
      ? { url: req.url, headers: req.headers, status: null }
      : null;
    if (stream) streams.push(stream);
    const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      if (stream) stream.status = r.statusCode;
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    if (req.url.startsWith("/api/v1/notifications/stream")) {
      open.add(res);
      res.on("close", () => {
        open.delete(res);
        up.destroy();
      });
    }
    req.pipe(up);
  });
  return new Promise((resolve) =>
    srv.listen(0, "127.0.0.1", () =>
      resolve({
        base: `http://127.0.0.1:${srv.address().port}`,
        streams,
        dropStreams: () => {
          for (const res of open) res.destroy();
        },
        close: () =>
          new Promise((r) => {
            srv.closeAllConnections();
            srv.close(() => r());
          }),
      }),
    ),
  );
}

before(async () => {
  // No due-soon scan during the run: the notifications counted here are the assignments' own.
  server = await startServer({ SCHEDULER_INTERVAL_SECONDS: "3600" });
  browser = await launchBrowser();
  author = await createUser(server, { email: "ana@example.test", displayName: "Ana Author", role: "author" });
  authorToken = (await apiLogin(server, author.email, author.password)).access_token;
  learner = await createUser(server, { email: "lena@example.test", displayName: "Lena Learner" });
  learnerToken = (await apiLogin(server, learner.email, learner.password)).access_token;

  modules.fire = await publishedModule("Fire safety basics");
  modules.ladder = await publishedModule("Ladder safety");
  modules.firstAid = await publishedModule("First aid");
  modules.handling = await publishedModule("Manual handling");

  // The API only takes due dates in the future: this one passes two seconds from now.
  const assignment = await assign(modules.fire, new Date(Date.now() + 2000).toISOString());
  // The learner is half-way through it.
  const put = await apiCall(server, "PUT", `/api/v1/modules/${modules.fire.id}/progress`, {
    token: learnerToken,
    body: {
      version: 0,
      progress_data: { current_screen_id: modules.fire.screens[1], completed_screen_ids: [modules.fire.screens[0]], responses: {} },
    },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.status, "in_progress");
  // Wait (on the server's word, not a clock) until the due date has passed.
  for (let i = 0; ; i++) {
    const r = await apiCall(server, "GET", `/api/v1/assignments/${assignment.id}`, { token: learnerToken });
    if (r.body.overdue) break;
    if (i > 100) throw new Error("the assignment never became overdue");
    await new Promise((res) => setTimeout(res, 200));
  }
  page = await newPage(browser, server, PHONE);
});

after(async () => {
  await proxy?.close();
  await browser?.close();
  await server?.stop();
});

test("the dashboard shows the learner's progress and the overdue assignment", async () => {
  await uiLogin(page, learner.email, learner.password);
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  await page.getByText("Welcome back, Lena Learner.").waitFor();

  const assignments = page.getByRole("list", { name: "Assignments" });
  const fire = assignments.getByRole("listitem").filter({ hasText: "Fire safety basics" });
  await fire.getByText("Overdue", { exact: true }).waitFor();
  await fire.getByText(/^Was due /).waitFor();
  assert.equal(await fire.getByRole("link", { name: "Fire safety basics", exact: true }).getAttribute("href"), `/app/modules/${modules.fire.id}`);
  assert.equal(
    await fire.getByRole("link", { name: "Continue Fire safety basics" }).getAttribute("href"),
    `/app/modules/${modules.fire.id}/play`,
  );
  await page.getByText("1 assignment is overdue.").waitFor();

  const progress = page.getByRole("list", { name: "Progress" }).getByRole("listitem").filter({ hasText: "Fire safety basics" });
  await progress.getByText("In progress", { exact: true }).waitFor();
  await progress.getByText("50% complete").waitFor();
  await progress.getByText(/^Updated /).waitFor();

  // The bell counts the assignment's notification.
  await page.getByRole("button", { name: "Notifications, 1 unread", exact: true }).waitFor();

  await checkA11y(page, "dashboard (phone)");
  await screenshot(page, "home-dashboard-phone");
  await page.setViewportSize(DESKTOP);
  await checkA11y(page, "dashboard (desktop)");
  await screenshot(page, "home-dashboard-desktop");
  await page.setViewportSize(PHONE);
});

test("the learner checks in, sees the streak, and edits today's check-in", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Check-ins" }).click();
  await page.getByRole("heading", { level: 1, name: "Check-ins" }).waitFor();
  await page.getByRole("heading", { name: "Check in for today" }).waitFor();
  await checkA11y(page, "check-ins (empty)");

  // Saving without choices marks both scales.
  await page.getByRole("button", { name: "Save check-in" }).click();
  await page.getByText("Choose how you feel today.").waitFor();

  await page.getByRole("group", { name: /^Mood/ }).getByRole("radio", { name: "Good", exact: true }).check();
  await page.getByRole("group", { name: /^Confidence/ }).getByRole("radio", { name: "Fairly confident", exact: true }).check();
  await page.getByLabel("Note (optional)").fill("Read the fire safety screens on the bus.");
  await page.getByRole("button", { name: "Save check-in" }).click();
  await page.getByRole("status").filter({ hasText: "Check-in saved. Current streak: 1 day. Longest streak: 1 day." }).waitFor();
  await page.getByTestId("current-streak").filter({ hasText: "1 day" }).waitFor();
  await page.getByTestId("longest-streak").filter({ hasText: "1 day" }).waitFor();
  await page.getByRole("heading", { name: "Today's check-in" }).waitFor();
  const history = page.getByRole("region", { name: "History" });
  await history.getByText("Mood: Good · Confidence: Fairly confident").waitFor();

  const streak = await apiCall(server, "GET", "/api/v1/checkins/streak", { token: learnerToken });
  assert.equal(streak.body.current_streak, 1);
  assert.equal(streak.body.today_done, true);

  await checkA11y(page, "check-ins (saved)");
  await screenshot(page, "home-checkins-phone");

  // Edit today's check-in (PATCH): same check-in, new mood.
  await page.getByRole("group", { name: /^Mood/ }).getByRole("radio", { name: "Very good", exact: true }).check();
  await page.getByRole("button", { name: "Update check-in" }).click();
  await page.getByRole("status").filter({ hasText: "Check-in updated." }).waitFor();
  await history.getByText("Mood: Very good · Confidence: Fairly confident").waitFor();
  const list = await apiCall(server, "GET", "/api/v1/checkins", { token: learnerToken });
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].mood, 5);
  assert.equal(list.body.items[0].confidence, 3);
  assert.equal(list.body.items[0].note, "Read the fire safety screens on the bus.");

  await page.setViewportSize(DESKTOP);
  await screenshot(page, "home-checkins-desktop");
  await page.setViewportSize(PHONE);
});

test("a second tab that checks in again is shown the existing check-in (409)", async () => {
  const other = await newPage(browser, server, DESKTOP);
  await other.addInitScript(
    ([token]) => localStorage.setItem("trainsmart.session", JSON.stringify({ token, expiresAt: new Date(Date.now() + 3600e3).toISOString() })),
    [learnerToken],
  );
  // This tab loaded before the check-in was made (as far as it knows): its read of today's
  // check-in is answered with an empty page, so the form offers to create one.
  const todayRead = /\/api\/v1\/checkins\?.*from=/;
  await other.route(todayRead, (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ items: [], next_cursor: null }) }),
  );
  await other.goto("/app/checkins");
  await other.getByRole("heading", { name: "Check in for today" }).waitFor();
  await other.unroute(todayRead);
  await other.getByRole("group", { name: /^Mood/ }).getByRole("radio", { name: "Low", exact: true }).check();
  await other.getByRole("group", { name: /^Confidence/ }).getByRole("radio", { name: "Confident", exact: true }).check();
  await other.getByRole("button", { name: "Save check-in" }).click();
  await other.getByText("You had already checked in today").waitFor();
  await other.getByRole("heading", { name: "Today's check-in" }).waitFor();
  // The form now shows the stored check-in, not what was typed.
  assert.equal(await other.getByRole("group", { name: /^Mood/ }).getByRole("radio", { name: "Very good", exact: true }).isChecked(), true);
  const list = await apiCall(server, "GET", "/api/v1/checkins", { token: learnerToken });
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].mood, 5);
  assertNoForeignRequests(other);
  await other.context().close();
});

test("the bell shows new notifications live; mark one and mark all read", async () => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  await page.evaluate(() => {
    window.__sameDocument = true;
  });

  const bell = page.getByRole("banner").getByRole("button", { name: /^Notifications/ });
  assert.equal(await bell.getAttribute("aria-label"), "Notifications, 1 unread");
  // By keyboard: Enter opens the panel and moves focus into it.
  await bell.focus();
  await page.keyboard.press("Enter");
  const panel = page.getByRole("dialog", { name: "Notifications" });
  await panel.waitFor();
  assert.equal(await bell.getAttribute("aria-expanded"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Notifications");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Mark all as read");
  await panel.getByRole("listitem").filter({ hasText: "Fire safety basics" }).filter({ hasText: "New assignment" }).waitFor();
  await checkA11y(page, "notifications panel");
  await screenshot(page, "home-notifications-panel-phone");

  // Escape closes the panel and gives focus back to the bell.
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Notifications, 1 unread");

  // A new assignment made through the API while the page is open: the count goes up, no reload.
  await assign(modules.ladder, new Date(Date.now() + 7 * 86400e3).toISOString());
  await page.getByRole("button", { name: "Notifications, 2 unread", exact: true }).waitFor();
  // The dashboard's assignment list follows too.
  await page.getByRole("list", { name: "Assignments" }).getByRole("listitem").filter({ hasText: "Ladder safety" }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page was reloaded");

  await bell.click();
  const ladder = panel.getByRole("listitem").filter({ hasText: "Ladder safety" });
  await ladder.waitFor();
  await page.setViewportSize(DESKTOP);
  await screenshot(page, "home-notifications-panel-desktop");

  // Mark one read.
  await ladder.getByRole("button", { name: /^Mark as read/ }).click();
  await ladder.getByText("Read", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Notifications, 1 unread", exact: true }).waitFor();
  assert.equal(await unreadCount(), 1);

  // Mark all read.
  await panel.getByRole("button", { name: "Mark all as read" }).click();
  await page.getByRole("button", { name: "Notifications", exact: true }).waitFor();
  await panel.getByText("All caught up.").waitFor();
  assert.equal(await unreadCount(), 0);

  // The full page lists both, read.
  await panel.getByRole("link", { name: "See all notifications" }).click();
  await page.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
  const items = page.getByRole("main").getByRole("listitem");
  await items.filter({ hasText: "Ladder safety" }).waitFor();
  await items.filter({ hasText: "Fire safety basics" }).waitFor();
  assert.equal(await items.count(), 2);
  await checkA11y(page, "notifications page (desktop)");
  await screenshot(page, "home-notifications-desktop");
  await page.setViewportSize(PHONE);
  await checkA11y(page, "notifications page (phone)");
  await screenshot(page, "home-notifications-phone");

  assertNoForeignRequests(page);
  assert.deepEqual(page.consoleErrors, []);
});

test("after the stream drops, the browser reconnects with Last-Event-ID and catches up", async () => {
  proxy = await startProxy(server.base);
  const tab = await newPage(browser, proxy, DESKTOP);
  await tab.addInitScript(
    ([token]) =>
      localStorage.setItem("trainsmart.session", JSON.stringify({ token, expiresAt: new Date(Date.now() + 3600e3).toISOString() })),
    [learnerToken],
  );
  await tab.goto("/app");
  await tab.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  await tab.getByRole("button", { name: "Notifications", exact: true }).waitFor();
  // The stream is open (the server answered it) before anything happens.
  await until(() => proxy.streams[0]?.status === 200);

  await assign(modules.firstAid, null);
  await tab.getByRole("button", { name: "Notifications, 1 unread", exact: true }).waitFor();
  const latest = await apiCall(server, "GET", "/api/v1/notifications?limit=1", { token: learnerToken });
  const lastSeq = latest.body.items[0].seq;
  assert.equal(proxy.streams.length, 1, JSON.stringify(proxy.streams.map((s) => s.url.replace(/access_token=[^&]+/, "T"))));

  // The connection drops; a notification is created before the browser is back.
  proxy.dropStreams();
  await assign(modules.handling, null);
  await tab.getByRole("button", { name: "Notifications, 2 unread", exact: true }).waitFor({ timeout: 20_000 });
  assert.ok(proxy.streams.length >= 2, "the stream was reopened");
  const reconnect = proxy.streams[1];
  const resumedFrom = reconnect.headers["last-event-id"] ?? new URL(reconnect.url, proxy.base).searchParams.get("last_event_id");
  assert.equal(resumedFrom, String(lastSeq), "the reconnect names the last event seen");

  await tab.getByRole("banner").getByRole("button", { name: /^Notifications/ }).click();
  await tab.getByRole("dialog", { name: "Notifications" }).getByRole("listitem").filter({ hasText: "Manual handling" }).waitFor();
  assertNoForeignRequests(tab);
  await tab.context().close();
});
