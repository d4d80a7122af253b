// The admin's user list in a real browser: search, promote a learner to author, the admin's own
// row locked, and deactivating a user whose app is open in another browser: their page returns to
// the login page by itself (the notification stream closes, GET /users/me answers 401); once
// reactivated they can sign in again.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  ADMIN,
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
let browser;
let admin;
let adminToken;
let leo;
let dora;

async function userById(id) {
  const r = await apiCall(server, "GET", `/api/v1/users/${id}`, { token: adminToken });
  assert.equal(r.status, 200);
  return r.body;
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  adminToken = (await apiLogin(server, ADMIN.email, ADMIN.password)).access_token;
  leo = await createUser(server, { email: "leo@example.test", displayName: "Leo Learner" });
  dora = await createUser(server, { email: "dora@example.test", displayName: "Dora Dev" });
  // Enough people for a second page (20 per page).
  for (let i = 1; i <= 20; i++)
    await createUser(server, { email: `staff${String(i).padStart(2, "0")}@example.test`, displayName: `Staff ${i}` });
  admin = await newPage(browser, server, DESKTOP);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("the admin searches users and promotes a learner to author", async () => {
  await uiLogin(admin, ADMIN.email, ADMIN.password);
  await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await admin.getByRole("heading", { level: 1, name: "Users" }).waitFor();
  const list = admin.getByRole("list", { name: "Users" });
  await list.getByRole("listitem").first().waitFor();
  await checkA11y(admin, "admin users (desktop)");
  await screenshot(admin, "admin-users-desktop");

  // 24 users: 20 first, the rest after Load more (newest first: Leo and Dora are on page two).
  await admin.getByText("Showing 20 users (more available).").waitFor();
  await list.getByRole("listitem").filter({ hasText: "Leo Learner" }).waitFor({ state: "detached" });
  await admin.getByRole("button", { name: "Load more" }).click();
  await list.getByRole("listitem").filter({ hasText: "Leo Learner" }).waitFor();
  await admin.getByText("Showing 24 users.").waitFor();
  assert.equal(await admin.getByRole("button", { name: "Load more" }).count(), 0);

  await admin.getByLabel("Search by name or email").fill("leo@");
  await admin.getByRole("button", { name: "Search", exact: true }).click();
  await admin.getByText("Showing 1 user.").waitFor();
  const row = list.getByRole("listitem").filter({ hasText: "Leo Learner" });
  assert.equal(await list.getByRole("listitem").count(), 1);

  await row.getByLabel("Role of Leo Learner").selectOption("author");
  await row.getByRole("button", { name: "Save role of Leo Learner" }).click();
  await admin.getByRole("status").filter({ hasText: "Leo Learner is now an author." }).waitFor();
  assert.equal((await userById(leo.id)).role, "author");

  // The role filter finds him among the authors.
  await admin.getByLabel("Search by name or email").fill("");
  await admin.getByRole("button", { name: "Search", exact: true }).click();
  await admin.getByLabel("Role", { exact: true }).selectOption("author");
  await list.getByRole("listitem").filter({ hasText: "Leo Learner" }).waitFor();
  await list.getByRole("listitem").filter({ hasText: "Dora Dev" }).waitFor({ state: "detached" });
  await admin.getByLabel("Role", { exact: true }).selectOption("");
});

test("the admin's own row cannot change their own role or active status", async () => {
  await admin.getByLabel("Search by name or email").fill("Ada");
  await admin.getByRole("button", { name: "Search", exact: true }).click();
  await admin.getByText("Showing 1 user.").waitFor();
  const own = admin.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: "Ada Admin" });
  await own.getByText("You", { exact: true }).waitFor();
  assert.equal(await own.getByLabel("Role of Ada Admin").isDisabled(), true);
  assert.equal(await own.getByRole("button", { name: "Deactivate Ada Admin" }).isDisabled(), true);
  await own.getByText("You cannot change your own role or deactivate yourself.").waitFor();
  await admin.setViewportSize(PHONE);
  await checkA11y(admin, "admin users (phone)");
  await screenshot(admin, "admin-users-phone");
  await admin.setViewportSize(DESKTOP);
});

test("a deactivated user's open page returns to the login page; reactivated, they sign in again", async () => {
  const user = await newPage(browser, server, PHONE);
  await uiLogin(user, dora.email, dora.password);
  await user.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();

  await admin.getByLabel("Search by name or email").fill("dora");
  await admin.getByRole("button", { name: "Search", exact: true }).click();
  const row = admin.getByRole("list", { name: "Users" }).getByRole("listitem").filter({ hasText: "Dora Dev" });
  await row.getByRole("button", { name: "Deactivate Dora Dev" }).click();
  await row.getByText("Deactivate Dora Dev? They are signed out everywhere").waitFor();
  await checkA11y(admin, "admin users (confirm deactivation)");
  await row.getByRole("button", { name: "Yes, deactivate Dora Dev" }).click();
  await admin.getByRole("status").filter({ hasText: "Dora Dev is deactivated." }).waitFor();
  await row.getByText("Deactivated", { exact: true }).waitFor();
  assert.equal((await userById(dora.id)).active, false);

  // Dora did nothing; her page goes to the login page on its own.
  await user.waitForURL(/\/app\/login/);
  await user.getByRole("button", { name: "Sign in" }).waitFor();
  await checkA11y(user, "login after deactivation");

  // The status filter lists her among the deactivated.
  await admin.getByLabel("Search by name or email").fill("");
  await admin.getByRole("button", { name: "Search", exact: true }).click();
  await admin.getByLabel("Status").selectOption("false");
  const users = admin.getByRole("list", { name: "Users" }).getByRole("listitem");
  await users.filter({ hasText: "Leo Learner" }).waitFor({ state: "detached" });
  await row.waitFor();
  for (const text of await users.allInnerTexts()) assert.match(text, /Deactivated/);

  await row.getByRole("button", { name: "Reactivate Dora Dev" }).click();
  await row.getByRole("button", { name: "Yes, reactivate Dora Dev" }).click();
  await admin.getByRole("status").filter({ hasText: "Dora Dev is reactivated." }).waitFor();
  assert.equal((await userById(dora.id)).active, true);

  await uiLogin(user, dora.email, dora.password);
  await user.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();

  assertNoForeignRequests(admin);
  assertNoForeignRequests(user);
  assert.deepEqual(admin.consoleErrors, []);
  await user.context().close();
});
