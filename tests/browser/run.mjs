// Runs the browser tests: every exported async function named test_* of the test_*.mjs files in
// this folder, one fresh page (browser context) each, in one headless Chromium. Prints a line
// per test and, last, "N passed, N failed". TEST_FILTER (a substring of
// "tests/browser/FILE::TEST") picks tests, as in the other suites; ECOM_BROWSER_TESTS (names of
// tests, comma-separated) picks exactly those instead. ECOM_EXPECT_SERVER (e.g. "Apache"): the
// run first checks that ECOM_BASE_URL's answers carry that Server header (a run meant for
// Apache that reached nginx would prove nothing). ECOM_BROWSER_LABEL prefixes each test's line.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BASE, SHOT_DIR, launch } from './lib.mjs';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.env.TEST_FILTER || '';
const only = (process.env.ECOM_BROWSER_TESTS || '').split(',').map((x) => x.trim()).filter(Boolean);
const label = process.env.ECOM_BROWSER_LABEL ? `${process.env.ECOM_BROWSER_LABEL} ` : '';
const selected = (file, name) => (only.length > 0 ? only.includes(name) : !filter || `tests/browser/${file}::${name}`.includes(filter));
const files = readdirSync(dir).filter((f) => /^test_.*\.mjs$/.test(f)).sort();

async function closeContexts(browser) {
  for (const c of browser.contexts()) await c.close().catch(() => {});
}

// The pictures of an earlier run's failures would mislead.
for (const f of readdirSync(SHOT_DIR)) if (f.startsWith('FAILED-')) rmSync(path.join(SHOT_DIR, f));

let passed = 0;
let failed = 0;
if (process.env.ECOM_EXPECT_SERVER) {
  const res = await fetch(`${BASE}/console/`).catch((err) => ({ headers: new Headers(), err }));
  const server = res.headers.get('server') || '';
  if (server.startsWith(process.env.ECOM_EXPECT_SERVER)) passed += 1;
  else failed += 1;
  console.log(`${server.startsWith(process.env.ECOM_EXPECT_SERVER) ? 'PASS' : 'FAIL'} ${label}${BASE} answers as ${process.env.ECOM_EXPECT_SERVER} (Server: ${server || res.err})`);
}
const browser = await launch();
try {
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(dir, file)).href);
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.startsWith('test_') || typeof fn !== 'function') continue;
      if (!selected(file, name)) continue;
      const started = Date.now();
      try {
        await fn(browser);
        await closeContexts(browser);
        passed += 1;
        console.log(`PASS ${label}tests/browser/${file}::${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failed += 1;
        // What the browser showed when the test failed, for inspection.
        for (const [i, page] of browser.contexts().flatMap((c) => c.pages()).entries()) {
          await page.screenshot({ path: path.join(SHOT_DIR, `FAILED-${name}-${i}.png`), fullPage: true }).catch(() => {});
        }
        console.log(`FAIL ${label}tests/browser/${file}::${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        await closeContexts(browser);
        console.log(String(err && err.stack ? err.stack : err).split('\n').slice(0, 8).map((l) => `    ${l}`).join('\n'));
      }
    }
  }
} finally {
  await browser.close();
}
console.log(`screenshots in ${SHOT_DIR}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
