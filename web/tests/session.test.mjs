// The session as a person meets it: a reload stays signed in; a token the server no longer
// accepts sends them to the login page, which brings them back to the page they wanted; signing
// out or in as someone else in one tab is followed by the other tabs; `next` only ever leads to
// the app's own pages; after an in-page link the new page's heading has the focus, and after a
// rejected form the field to fix has it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  apiCall,
  apiLogin,
  assertNoForeignRequests,
  checkA11y,
  createUser,
  launchBrowser,
  newPage,
  startServer,
  uiLogin,
  watchPage,
} from "./lib.mjs";

let server;
let browser;
let ana;
let ben;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ana = await createUser(server, { email: "ana.session@example.test", displayName: "Ana Session" });
  ben = await createUser(server, { email: "ben.session@example.test", displayName: "Ben Session" });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const heading = (page, name) => page.getByRole("heading", { level: 1, name });

test("a reload stays signed in, and a revoked token returns to login and then to the page asked for", async () => {
  const page = await newPage(browser, server);
  await uiLogin(page, ana.email, ana.password);
  await page.goto("/app/modules");
  await heading(page, "Modules").waitFor();
  await page.reload();
  await heading(page, "Modules").waitFor();
  await page.getByRole("link", { name: "Ana Session" }).waitFor();

  // The token dies on the server (logout through the API with the page's own token): the open
  // page notices by itself (its notification stream ends, /users/me answers 401) and goes to the
  // login page, which remembers the page the person was on.
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("trainsmart.session")));
  assert.equal((await apiCall(server, "POST", "/api/v1/auth/logout", { token: stored.token })).status, 204);
  await heading(page, "Sign in").waitFor();
  await page.getByText("Your session has ended. Please sign in again.").waitFor();
  assert.match(page.url(), /\/app\/login\?next=%2Fapp%2Fmodules$/);
  assert.equal(await page.evaluate(() => localStorage.getItem("trainsmart.session")), null);
  await checkA11y(page, "login after the session ended");
  await page.getByLabel("Email").fill(ana.email);
  await page.getByLabel("Password").fill(ana.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await heading(page, "Modules").waitFor();
  assert.equal(new URL(page.url()).pathname, "/app/modules");

  // A page opened with a token the server no longer accepts goes to the login page too.
  const again = await page.evaluate(() => JSON.parse(localStorage.getItem("trainsmart.session")));
  assert.equal((await apiCall(server, "POST", "/api/v1/auth/logout", { token: again.token })).status, 204);
  await page.goto("/app/checkins");
  await heading(page, "Sign in").waitFor();
  assert.match(page.url(), /\/app\/login\?next=%2Fapp%2F(checkins|modules)$/);
  assertNoForeignRequests(page);
  await page.context().close();
});

test("an expired stored session is not used: the login page comes first", async () => {
  const page = await newPage(browser, server);
  const login = await apiLogin(server, ana.email, ana.password);
  await page.context().addInitScript((s) => localStorage.setItem("trainsmart.session", JSON.stringify(s)), {
    token: login.access_token,
    expiresAt: "2020-01-01T00:00:00.000Z",
    user: login.user,
  });
  await page.goto("/app/modules");
  await heading(page, "Sign in").waitFor();
  assert.match(page.url(), /next=%2Fapp%2Fmodules/);
  await page.context().close();
});

test("signing out, and in as someone else, in one tab is followed by the other tab", async () => {
  const tabA = await newPage(browser, server);
  await uiLogin(tabA, ana.email, ana.password);
  const tabB = watchPage(await tabA.context().newPage(), server);
  await tabB.goto("/app/modules");
  await heading(tabB, "Modules").waitFor();
  await tabB.getByRole("link", { name: "Ana Session" }).waitFor();

  await tabA.getByRole("button", { name: "Sign out" }).click();
  await heading(tabA, "Sign in").waitFor();
  await heading(tabB, "Sign in").waitFor();
  // Whichever B hears first: the storage event of A's sign-out, or its own stream ending with the
  // revoked token.
  await tabB.getByText(/^(You signed out in another tab\.|Your session has ended\. Please sign in again\.)$/).waitFor();
  assert.equal(await tabB.evaluate(() => localStorage.getItem("trainsmart.session")), null);

  await tabA.getByLabel("Email").fill(ben.email);
  await tabA.getByLabel("Password").fill(ben.password);
  await tabA.getByRole("button", { name: "Sign in" }).click();
  await tabA.getByRole("link", { name: "Ben Session" }).waitFor();
  // Tab B follows to Ben's session (its login page goes on to the page it was asked for).
  await tabB.getByRole("link", { name: "Ben Session" }).waitFor();
  await heading(tabB, "Modules").waitFor();
  // Ben's session is still the stored one, and it works.
  const stored = await tabB.evaluate(() => JSON.parse(localStorage.getItem("trainsmart.session")));
  const me = await apiCall(server, "GET", "/api/v1/users/me", { token: stored.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.email, ben.email);
  assertNoForeignRequests(tabA);
  assertNoForeignRequests(tabB);
  await tabA.context().close();
});

test("next leads only to the app's own pages", async () => {
  const page = await newPage(browser, server);
  for (const next of ["/app/../healthz", "//example.com/app", "https://example.com/app", "/docs"]) {
    await page.goto(`/app/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(ana.email);
    await page.getByLabel("Password").fill(ana.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await heading(page, "Dashboard").waitFor();
    assert.equal(page.url(), `${server.base}/app`, `next=${next}`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await heading(page, "Sign in").waitFor();
  }
  assertNoForeignRequests(page);
  await page.context().close();
});

test("after following a link inside a page, the new page's heading has the focus", async () => {
  const page = await newPage(browser, server);
  await uiLogin(page, ana.email, ana.password);
  await page.getByRole("link", { name: "Browse the modules" }).first().click();
  await heading(page, "Modules").waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === "H1");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Modules");
  await page.getByRole("link", { name: "Fire Safety Basics" }).click();
  await heading(page, "Fire Safety Basics").waitFor();
  await page.waitForFunction(() => document.activeElement?.textContent === "Fire Safety Basics");
  await page.context().close();
});

test("a rejected form puts the focus on the field to fix, in plain words", async () => {
  const page = await newPage(browser, server);
  await page.goto("/app/register");
  await page.getByLabel("Your name").fill("Cleo");
  await page.getByLabel("Email").fill("cleo.session@example.test");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  const password = page.getByLabel("Password");
  await page.getByText("Use at least 8 characters.").waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute("autocomplete") === "new-password");
  assert.equal(await password.getAttribute("aria-invalid"), "true");

  // An address already taken is marked at the Email field.
  await page.getByLabel("Email").fill(ana.email);
  await password.fill("long-enough-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("An account with this email already exists.").waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute("type") === "email");
  assert.equal(await page.getByLabel("Email").getAttribute("aria-invalid"), "true");
  await checkA11y(page, "register with a taken address");
  assertNoForeignRequests(page);
  await page.context().close();
});
