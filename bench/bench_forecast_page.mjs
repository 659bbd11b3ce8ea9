// Times the Forecast page in headless Chromium for
// bench/bench_forecast_page.py: navigation to /forecast (fresh contexts,
// empty cache) until the default forecast is drawn (window.elhubForecast
// .drawnAt: the page loads /api/meta, /api/forecast/params, the history,
// the regressors and runs the fit), with the CPU time the page's main thread
// spent (Chrome's Performance.getMetrics TaskDuration), as
// bench/bench_dash.mjs does for the Energy page.
// Usage: node bench/forecast_page.mjs URL PATH N   (prints one JSON document)
import { launch, navTimes } from '../tests/browser/chromium.mjs';

const [base, path, n] = [process.argv[2], process.argv[3], Number(process.argv[4] || 5)];
const browser = await launch();
const nav = await navTimes(browser, `${base}${path}`, 'elhubForecast', n);
await browser.close();
console.log(JSON.stringify({ nav }));
