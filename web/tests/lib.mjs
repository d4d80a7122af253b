// The browser journeys' harness: a real TrainSmart server on a fresh SQLite database with the demo
// content and an admin, serving the built app (web/dist, API.md §18); Debian's Chromium driven by
// playwright-core; axe-core on every page; screenshots; and a guard that fails a test when the
// page asks for anything outside the server's origin.
//
// Environment: TS_WEB_TEST_BINARY (the server; default ../build/trainsmart), TS_WEB_DIR (the
// build; default web/dist), TS_WEB_SCREENSHOTS (where screenshots go; default
// web/test-results/screenshots), CHROMIUM (default /usr/bin/chromium), TS_WEB_HEADED=1 to watch.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const webRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const binary = process.env.TS_WEB_TEST_BINARY ?? join(webRoot, "../build/trainsmart");
export const webDir = process.env.TS_WEB_DIR ?? join(webRoot, "dist");
export const screenshotDir = process.env.TS_WEB_SCREENSHOTS ?? join(webRoot, "test-results/screenshots");
export const ADMIN = { email: "admin@example.test", password: "admin-password-1" };

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/* Servers started and not yet stopped: killed when the test process exits however it ends
 * (a failed assertion that skipped the after() hook, an uncaught error). */
const running = new Set();
process.on("exit", () => {
  for (const p of running) p.kill("SIGKILL");
});

/*
 * Starts a server on a fresh database (demo content loaded, ADMIN created). `env` adds or
 * overrides environment variables. Returns { base, dir, logs(), stop() }; stop() is idempotent.
 */
export async function startServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "trainsmart-web-"));
  const port = await freePort();
  const fullEnv = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, "trainsmart.db")}`,
    HOST: "127.0.0.1",
    PORT: String(port),
    WEB_DIR: webDir,
    LOG_LEVEL: "warning",
    SSE_HEARTBEAT_SECONDS: "1",
    LOGIN_RATE_LIMIT: "1000",
    ...env,
  };
  execFileSync(binary, ["seed-demo"], { env: fullEnv, stdio: "pipe" });
  execFileSync(binary, ["create-admin", "--email", ADMIN.email, "--display-name", "Ada Admin"], {
    env: { ...fullEnv, TRAINSMART_ADMIN_PASSWORD: ADMIN.password },
    stdio: "pipe",
  });
  const proc = spawn(binary, ["serve"], { env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
  running.add(proc);
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const exited = new Promise((resolve) =>
    proc.once("exit", (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (proc.exitCode !== null || i > 200) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const index = await fetch(`${base}/app`);
  if (!index.ok || !(index.headers.get("content-type") ?? "").startsWith("text/html"))
    throw new Error(`the server does not serve the app from ${webDir} (GET /app → ${index.status}); build it with npm run build`);
  let stopped = false;
  return {
    base,
    dir,
    logs: () => out,
    async stop() {
      if (stopped) return;
      stopped = true;
      proc.kill("SIGTERM");
      const { code } = await exited;
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`server exited with ${code}:\n${out.slice(-4000)}`);
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: process.env.TS_WEB_HEADED !== "1",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/*
 * A new browser context (its own storage: another device, or another person) and page at `size`.
 * Requests leaving `server.base` are recorded in page.foreignRequests (assertNoForeignRequests),
 * and console errors in page.consoleErrors.
 */
export async function newPage(browser, server, size = DESKTOP) {
  const context = await browser.newContext({ viewport: size, baseURL: server.base });
  const page = await context.newPage();
  watchPage(page, server);
  return page;
}

/* Records foreign requests and console errors of `page` (also for extra tabs of one context). */
export function watchPage(page, server) {
  page.foreignRequests = [];
  page.consoleErrors = [];
  const origin = new URL(server.base).origin;
  page.on("request", (req) => {
    const u = req.url();
    if (u.startsWith("data:") || u.startsWith("blob:") || u.startsWith("about:")) return;
    if (new URL(u).origin !== origin) page.foreignRequests.push(u);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") page.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => page.consoleErrors.push(String(err)));
  return page;
}

export function assertNoForeignRequests(page) {
  if (page.foreignRequests.length)
    throw new Error(`requests left the server's origin: ${page.foreignRequests.join(", ")}`);
}

const axeSource = readFileSync(join(webRoot, "node_modules/axe-core/axe.min.js"), "utf8");

/*
 * Runs axe-core (WCAG 2.x A and AA rules and best practices) on the page as it is now and throws
 * on any serious or critical violation, naming the rule and the elements. `label` names the page.
 */
export async function checkA11y(page, label) {
  // evaluate() runs in the page through the DevTools protocol, which the page's CSP does not block.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length)
    throw new Error(
      `accessibility violations on ${label}:\n` +
        bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.join("; ")})`).join("\n"),
    );
  return violations;
}

/* Saves a full-page screenshot as <screenshotDir>/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/* A direct API call for test set-up (the journeys themselves go through the UI). */
export async function apiCall(server, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(server.base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function apiLogin(server, email, password) {
  const r = await apiCall(server, "POST", "/api/v1/auth/login", { body: { email, password } });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/* Registers a user through the API and, when `role` is not learner, has the admin set it. */
export async function createUser(server, { email, password = "password-123", displayName, role = "learner" }) {
  const r = await apiCall(server, "POST", "/api/v1/auth/register", {
    body: { email, password, display_name: displayName ?? email.split("@")[0] },
  });
  if (r.status !== 201) throw new Error(`register ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  if (role !== "learner") {
    const admin = await apiLogin(server, ADMIN.email, ADMIN.password);
    const p = await apiCall(server, "PATCH", `/api/v1/users/${r.body.id}`, {
      token: admin.access_token,
      body: { role },
    });
    if (p.status !== 200) throw new Error(`role ${email}: ${p.status}`);
  }
  return { ...r.body, password };
}

/* Signs in through the login page. */
export async function uiLogin(page, email, password) {
  await page.goto("/app/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}
