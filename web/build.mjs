// Builds web/dist from web/src: app.js bundled with the parts of ECharts it
// imports (tree-shaken, minified), each page's bundle likewise, app.css
// minified, the pages' HTML copied.
// Deterministic: the same sources and lock file give the same bytes, which
// the embed tool (tools/embed_assets.c) then hashes for ETags.
// Usage: node build.mjs [OUTDIR]   (default: dist)
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ? process.argv[2] : join(here, 'dist');
mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, logLevel: 'warning', legalComments: 'eof', charset: 'utf8' };
// index.html's bundle is app.js; every other page NAME.html has NAME.js
// (the Makefile's WEB_PAGES lists them).
const pages = ['weather', 'map', 'snowdrift', 'decomposition', 'quality', 'correlation', 'forecast'];
for (const js of ['app', ...pages]) {
  await build({ ...common, entryPoints: [join(here, `src/${js}.js`)], outfile: join(out, `${js}.js`),
    format: 'iife', target: ['es2020'] });
}
await build({ ...common, entryPoints: [join(here, 'src/app.css')], outfile: join(out, 'app.css') });
// The pages' HTML, with the parts they share written once (web/src/parts/:
// the head's common lines, the header with the page links, the footer with
// the data attributions): <!--include:NAME a="b"--> becomes parts/NAME.html
// with {{@a}} replaced by b.
const include = (text) => text.replace(/<!--include:(\w+)((?: \w+="[^"]*")*)-->\n?/g, (_, part, attrs) => {
  let body = readFileSync(join(here, 'src/parts', `${part}.html`), 'utf8');
  for (const [, k, v] of attrs.matchAll(/ (\w+)="([^"]*)"/g)) body = body.replaceAll(`{{@${k}}}`, v);
  if (/{{@\w+}}/.test(body)) throw new Error(`parts/${part}.html: a {{@...}} left unset`);
  return body;
});
for (const html of ['index', ...pages]) {
  writeFileSync(join(out, `${html}.html`), include(readFileSync(join(here, `src/${html}.html`), 'utf8')));
}
