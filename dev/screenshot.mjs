// SPDX-License-Identifier: MIT
// dev/screenshot.mjs FILE: the work of dev/screenshot, which builds first.
// A private stack (tests/harness/stack.mjs) seeded as dev/up seeds var/
// (demo_seed and demo_start in dev/lib.sh), then the demo in headless
// Chromium at 1920x1080, kiosk and fit, dark theme. Every check that fails
// is printed and the file is left alone; exit status 1.
import path from 'node:path';
import { startStack, run, MDASH, TOP } from '../tests/harness/stack.mjs';
import { launch } from '../tests/browser/helpers.mjs';

const out = path.resolve(process.argv[2] || path.join(TOP, 'docs', 'screenshot.png'));
const SCREEN = { width: 1920, height: 1080 };
const TYPES = ['number', 'meter', 'list', 'text', 'graph', 'clock', 'image', 'status'];
const say = (m) => process.stderr.write(`screenshot: ${m}\n`);

/** What the page shows, for the checks: runs in the page. */
function survey() {
  const grid = document.querySelector('.grid');
  const box = grid.getBoundingClientRect();
  const widgets = [...document.querySelectorAll('[data-widget]')].map((el) => {
    const r = el.getBoundingClientRect();
    const img = el.querySelector('img');
    return {
      name: el.dataset.widget,
      type: el.dataset.type,
      state: el.dataset.state,
      status: el.dataset.status || '',
      version: Number(el.dataset.version),
      col: Number(el.dataset.col), row: Number(el.dataset.row),
      sizex: Number(el.dataset.sizex), sizey: Number(el.dataset.sizey),
      gauge: el.querySelector('.gauge')?.getAttribute('aria-label') || '',
      image: img ? img.complete && img.naturalWidth > 0 : null,
      more: el.querySelector('.items')?.dataset.more || '',
      text: el.innerText.replace(/\s+/g, ' ').trim(),
      box: { x: r.x, y: r.y, w: r.width, h: r.height },
    };
  });
  return {
    columns: Number(document.querySelector('main.dashboard').dataset.columns),
    grid: { right: box.right, bottom: box.bottom },
    scroll: { w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight },
    conn: document.querySelector('.conn')?.dataset.conn,
    widgets,
  };
}

/** The problems with the demo as shown (an empty list when it is right). */
function judge(v) {
  const bad = [];
  const types = new Set(v.widgets.map((w) => w.type));
  for (const t of TYPES) if (!types.has(t)) bad.push(`no ${t} widget`);
  if (!v.widgets.some((w) => w.status === 'warning')) bad.push('no widget in warning');
  for (const w of v.widgets) {
    if (w.state !== 'ok') bad.push(`${w.name} is ${w.state}: ${w.text}`);
    if (w.type !== 'clock' && !(w.version > 0)) bad.push(`${w.name} has no data yet`);
    if (w.status === 'danger') bad.push(`${w.name} is in danger: ${w.text}`);
    if (w.image === false) bad.push(`${w.name}: its picture did not load`);
    if (w.more) bad.push(`${w.name} leaves ${w.more} rows out: the demo's lists are sized to show them all`);
    // "4.2 (42% of the range 0 to 10)": the value must lie inside its scale.
    const m = /^(-?[\d,.]+) \(\d+% of the range (-?[\d,.]+) to (-?[\d,.]+)\)$/.exec(w.gauge);
    if (w.type === 'meter') {
      const [value, min, max] = m ? m.slice(1).map((x) => Number(x.replace(/,/g, ''))) : [];
      if (!m || !(value >= min && value <= max)) bad.push(`${w.name} shows a value outside its scale: "${w.gauge}"`);
    }
  }
  // The grid is a full rectangle (no hole, no overlap) that fills the screen.
  const rows = Math.max(...v.widgets.map((w) => w.row + w.sizey - 1));
  const cells = new Map();
  for (const w of v.widgets) {
    for (let c = w.col; c < w.col + w.sizex; c++) {
      for (let r = w.row; r < w.row + w.sizey; r++) {
        if (cells.has(`${c},${r}`)) bad.push(`${w.name} overlaps ${cells.get(`${c},${r}`)} at column ${c}, row ${r}`);
        cells.set(`${c},${r}`, w.name);
      }
    }
  }
  if (cells.size !== v.columns * rows) bad.push(`the widgets cover ${cells.size} of the ${v.columns} x ${rows} cells`);
  if (v.scroll.w > SCREEN.width || v.scroll.h > SCREEN.height) bad.push(`the page scrolls: ${JSON.stringify(v.scroll)}`);
  if (v.grid.right < SCREEN.width - 40 || v.grid.bottom < SCREEN.height - 40) {
    bad.push(`the grid leaves the screen's edge empty: it ends at ${JSON.stringify(v.grid)}`);
  }
  return bad;
}

async function main() {
  say('starting a private stack with the demo');
  const s = await startStack({ requireLogin: false });
  let browser;
  try {
    const env = { MDASH_CONFIG: s.config, MDASH_PORT: String(s.port) };
    const seed = await run('bash', ['-c', '. dev/lib.sh && demo_seed "$0" "$1" && demo_start "$0" "$1"', s.dir, MDASH],
      { env });
    if (seed.code !== 0) throw new Error(`seeding the demo failed (exit ${seed.code}):\n${seed.stdout}${seed.stderr}`);
    browser = await launch();
    // Reduced motion: no flash of a widget that updates as the picture is taken.
    const ctx = await browser.newContext({ viewport: SCREEN, deviceScaleFactor: 1, colorScheme: 'dark',
      reducedMotion: 'reduce' });
    const page = await ctx.newPage();
    const res = await page.goto(`${s.base}/d/demo?kiosk=1&fit=1&theme=dark`, { waitUntil: 'load' });
    if (res.status() !== 200) throw new Error(`/d/demo answered ${res.status()}`);
    // Every widget with data, the stream live, the picture and the fonts in.
    let view;
    let problems = [];
    const until = Date.now() + 90000;
    for (;;) {
      await page.evaluate(() => document.fonts.ready);
      view = await page.evaluate(survey);
      problems = judge(view);
      if (view.conn === 'live' && problems.length === 0) break;
      if (Date.now() > until) break;
      await page.waitForTimeout(500);
    }
    if (view.conn !== 'live') problems.push(`the page's stream is ${view.conn}, not live`);
    if (problems.length) {
      for (const p of problems) say(p);
      say(`not written: ${out}`);
      process.exitCode = 1;
      return;
    }
    await page.screenshot({ path: out, animations: 'disabled' });
    say(`${out}: ${SCREEN.width}x${SCREEN.height}, ${view.widgets.length} widgets (${[...new Set(view.widgets.map((w) => w.type))].join(', ')})`);
  } finally {
    await browser?.close().catch(() => {});
    await s.stop();
  }
}

main().catch((e) => {
  say(e.stack || String(e));
  process.exitCode = 1;
});
