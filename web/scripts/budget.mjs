#!/usr/bin/env node
// The web app's performance budgets (issue 13), measured against a running server:
//
//  1. Initial JavaScript: the sum of the gzip sizes (level 9, as the precompressed .gz files the
//     server sends) of the scripts index.html loads — its module entry and its modulepreload
//     links. Budget: 150 kB (150,000 bytes).
//  2. Largest contentful paint of the first page, in Debian's Chromium with the CPU throttled 4×
//     (CDP Emulation.setCPUThrottlingRate), read with a buffered PerformanceObserver for
//     'largest-contentful-paint' once the page has finished loading its data. Each load is cold
//     (a new browser context: empty cache and storage). Median of 5 loads, at phone and desktop
//     width, of the login page and of the dashboard signed in. Budget: 1000 ms.
//
// Usage: npm run budget [-- <server base URL>]
//   With a URL, that server is measured; the dashboard is measured only when BUDGET_EMAIL and
//   BUDGET_PASSWORD name an account on it. Without a URL, the script starts its own server the
//   way the browser tests do (tests/lib.mjs: TS_WEB_TEST_BINARY, TS_WEB_DIR; build first with
//   npm run build) and signs in a learner it creates, with a module in progress.
// Prints one JSON object; exits 1 when a budget is exceeded, 2 when measuring failed.
import { gzipSync } from "node:zlib";
import {
  apiCall,
  apiLogin,
  createUser,
  DESKTOP,
  launchBrowser,
  PHONE,
  startServer,
} from "../tests/lib.mjs";

const JS_BUDGET_BYTES = 150_000;
const LCP_BUDGET_MS = 1000;
const RUNS = 5;
const CPU_SLOWDOWN = 4;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function fetchOk(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url} → ${r.status}`);
  return r;
}

/* The scripts index.html loads before anything else: module entry + modulepreload links. */
async function initialJavaScript(base) {
  const html = await (await fetchOk(`${base}/app/`)).text();
  const urls = new Set();
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    const src = /\bsrc="([^"]+)"/.exec(tag)?.[1];
    if (src && /\btype="module"/.test(tag)) urls.add(src);
  }
  for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && /\brel="modulepreload"/.test(tag)) urls.add(href);
  }
  if (urls.size === 0) throw new Error("index.html loads no module script");
  const files = [];
  for (const u of urls) {
    const body = Buffer.from(await (await fetchOk(new URL(u, `${base}/app/`).href)).arrayBuffer());
    files.push({ path: u, bytes: body.length, gzip_bytes: gzipSync(body, { level: 9 }).length });
  }
  const total = files.reduce((n, f) => n + f.gzip_bytes, 0);
  return { gzip_bytes: total, budget_bytes: JS_BUDGET_BYTES, pass: total <= JS_BUDGET_BYTES, files };
}

/* One cold load of `path`; resolves the LCP time in ms (from navigation start). */
async function lcpOnce(browser, base, path, viewport, session) {
  const context = await browser.newContext({ viewport, baseURL: base });
  try {
    if (session)
      await context.addInitScript((s) => localStorage.setItem("trainsmart.session", JSON.stringify(s)), session);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
    await page.goto(path, { waitUntil: "load" });
    // The page is usable once its heading is there and nothing is loading any more.
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.waitForFunction(() => document.querySelector(".loading") === null);
    const lcp = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const observe = () =>
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              const last = entries[entries.length - 1];
              resolve(last ? last.startTime : null);
            }).observe({ type: "largest-contentful-paint", buffered: true });
          // Two frames later, whatever the loaded data rendered has been painted.
          requestAnimationFrame(() => requestAnimationFrame(observe));
          setTimeout(() => resolve(null), 5000);
        }),
    );
    if (lcp === null) throw new Error(`no largest-contentful-paint entry for ${path}`);
    return Math.round(lcp);
  } finally {
    await context.close();
  }
}

async function lcpMedian(browser, base, path, viewport, session) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await lcpOnce(browser, base, path, viewport, session));
  const m = median(runs);
  return { median_ms: m, runs_ms: runs, pass: m <= LCP_BUDGET_MS };
}

/* A learner with one demo module in progress, signed in: the session the app stores (token,
 * expiry and the user as login returned it). */
async function learnerSession(server) {
  const u = await createUser(server, { email: "budget-learner@example.test", displayName: "Budget Learner" });
  const login = await apiLogin(server, u.email, u.password);
  const token = login.access_token;
  const mods = await apiCall(server, "GET", "/api/v1/modules?flow_type=linear&limit=1", { token });
  const m = mods.body?.items?.[0];
  if (m) {
    const screens = await apiCall(server, "GET", `/api/v1/modules/${m.id}/screens`, { token });
    const first = screens.body?.items?.[0];
    if (first)
      await apiCall(server, "PUT", `/api/v1/modules/${m.id}/progress`, {
        token,
        body: { version: 0, progress_data: { current_screen_id: first.id, completed_screen_ids: [], responses: {} } },
      });
  }
  return { token, expiresAt: login.expires_at, user: login.user };
}

async function main() {
  const arg = process.argv[2];
  let server = null;
  let base;
  let session = null;
  let dashboardNote = null;
  if (arg) {
    base = arg.replace(/\/+$/, "");
    const { BUDGET_EMAIL: email, BUDGET_PASSWORD: password } = process.env;
    if (email && password) {
      const login = await apiLogin({ base }, email, password);
      session = { token: login.access_token, expiresAt: login.expires_at, user: login.user };
    } else dashboardNote = "not measured: set BUDGET_EMAIL and BUDGET_PASSWORD";
  } else {
    server = await startServer({ LOG_LEVEL: "error" });
    base = server.base;
    session = await learnerSession(server);
  }

  const browser = await launchBrowser();
  try {
    const js = await initialJavaScript(base);
    const lcp = {};
    for (const [size, viewport] of [
      ["phone", PHONE],
      ["desktop", DESKTOP],
    ]) {
      lcp[`login_${size}`] = await lcpMedian(browser, base, "/app/login", viewport, null);
      lcp[`dashboard_${size}`] = session
        ? await lcpMedian(browser, base, "/app", viewport, session)
        : { note: dashboardNote };
    }
    const pass = js.pass && Object.values(lcp).every((r) => r.pass !== false);
    const result = {
      server: arg ? base : "started by the script (fresh SQLite database, demo content)",
      initial_js: js,
      lcp: { budget_ms: LCP_BUDGET_MS, cpu_slowdown: CPU_SLOWDOWN, runs: RUNS, ...lcp },
      pass,
    };
    console.log(JSON.stringify(result, null, 2));
    process.exitCode = pass ? 0 : 1;
  } finally {
    await browser.close();
    await server?.stop();
  }
}

main().catch((e) => {
  console.error(`budget: ${e instanceof Error ? e.stack : e}`);
  process.exit(2);
});
