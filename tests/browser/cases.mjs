// The harness of the probe scripts (probe.mjs, weather.mjs): reads the
// SPEC file named on the command line, opens Debian's Chromium through
// playwright-core with one page (1400 x 1000, the spec's time zone, by
// default one that is not Oslo's), runs visit(page, case, result) per case,
// saves DIR/<name>.png (DIR/<name>-error.png and result.error on a failure),
// and prints {"results": [...], "problems": [console errors, page errors]}.
//   runCases(visit, {ignore: RegExp of console errors to leave out})
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export async function runCases(visit, opts = {}) {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  mkdirSync(spec.out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: spec.timezone || 'America/New_York' });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !(opts.ignore && opts.ignore.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  const results = [];
  for (const k of spec.cases) {
    const r = { name: k.name };
    try {
      await visit(page, k, r, spec);
      await page.screenshot({ path: join(spec.out, `${k.name}.png`), fullPage: true });
    } catch (e) {
      r.error = String(e && e.message ? e.message : e).split('\n').slice(0, 4).join(' | ');
      await page.screenshot({ path: join(spec.out, `${k.name}-error.png`), fullPage: true }).catch(() => {});
    }
    results.push(r);
  }
  await browser.close();
  console.log(JSON.stringify({ results, problems }));
}
