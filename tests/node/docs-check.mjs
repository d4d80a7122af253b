// Opens <base>/docs in headless Debian Chromium and checks that the interactive documentation
// works with no other host: every operation of <base>/openapi.json renders (one .opblock each),
// operations of different shapes open, no request leaves the server's origin, and nothing fails on the way (console
// errors, uncaught exceptions, Content-Security-Policy violations, failed requests, HTTP errors).
// Other hosts are blocked as well (page.route), but an attempt to reach one still fails the check.
//
//   node tests/node/docs-check.mjs http://127.0.0.1:8000 [screenshot.png]
//
// Exit status 0 when every check passes, 1 otherwise (each problem on its own line).
// tests/api/test_docs.c runs it against a fresh server on both backends.
import { chromium } from 'playwright-core';
import { METHODS, loadDocument } from './openapi-lib.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TIMEOUT_MS = 60000;

// Chromium without anything that calls Google's hosts; this machine has no network anyway.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--no-default-browser-check',
  '--metrics-recording-only', '--disable-breakpad', '--disable-domain-reliability',
];

function countOperations(doc) {
  let n = 0;
  for (const item of Object.values(doc.paths ?? {}))
    for (const m of METHODS) if (item && typeof item === 'object' && m in item) n++;
  return n;
}

async function check(base, screenshot) {
  const origin = new URL(base).origin;
  const problems = [];
  const requests = [];

  const expected = countOperations(await loadDocument(origin));
  if (expected === 0) throw new Error('/openapi.json lists no operation');

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-check-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS, // and a fresh --user-data-dir, `profile`
    serviceWorkers: 'block',
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(TIMEOUT_MS);
    // Belt and braces: only the server's origin is reachable; the attempt is still recorded.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || new URL(url).origin === origin) return route.continue();
      return route.abort('blockedbyclient');
    });
    page.on('request', (r) => {
      const url = r.url();
      requests.push(url);
      if (!url.startsWith('data:') && new URL(url).origin !== origin)
        problems.push(`request off the server's origin: ${url}`);
    });
    page.on('requestfailed', (r) =>
      problems.push(`request failed: ${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    // CSP violations also reach the console, but the event names the directive.
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
    });

    await page.goto(`${origin}/docs`, { waitUntil: 'load' });
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length === n, expected);
    // Open operations of different shapes (the first, the second, the middle and the last
    // one: bodies, path and query parameters, non-JSON responses) and the schemas, so their
    // parts render under the CSP. Each is closed again before the next: an open operation
    // makes every later render slower, and opening all 50-odd took over two minutes on a
    // loaded two-core machine (2-6 s a click).
    const summaries = await page.locator('.opblock-summary-control').all();
    const sample = [...new Set([0, 1, summaries.length >> 1, summaries.length - 1])];
    for (const i of sample) {
      await summaries[i].click();
      await page.waitForFunction(() => document.querySelectorAll('.opblock.is-open').length === 1);
      await page.locator('.opblock.is-open .opblock-body').waitFor();
      await summaries[i].click();
      await page.waitForFunction(() => document.querySelectorAll('.opblock.is-open').length === 0);
    }
    const models = page.locator('.models-control');
    if ((await models.count()) > 0) await models.first().click();
    await page.waitForLoadState('networkidle');
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

    const rendered = await page.locator('.opblock').count();
    if (rendered !== expected) problems.push(`${rendered} operations rendered, ${expected} listed`);
    for (const v of await page.evaluate(() => window.__cspViolations))
      problems.push(`CSP violation: ${v}`);
    return { problems, expected, requests };
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

const [base, screenshot] = process.argv.slice(2);
if (!base) {
  console.error('usage: node docs-check.mjs <base-url> [screenshot.png]');
  process.exit(2);
}
const timer = setTimeout(() => {
  console.error(`docs-check: no result after ${(2 * TIMEOUT_MS) / 1000} s`);
  process.exit(1);
}, 2 * TIMEOUT_MS);
try {
  const { problems, expected, requests } = await check(base, screenshot);
  for (const p of problems) console.error(`docs-check: ${p}`);
  console.log(`docs-check: ${expected} operations rendered; ${requests.length} requests:`);
  for (const r of requests) console.log(`  ${r}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
} catch (e) {
  console.error(`docs-check: ${e.stack ?? e}`);
  process.exitCode = 1;
}
clearTimeout(timer);
