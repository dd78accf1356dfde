// SPDX-License-Identifier: MIT
// The list of dashboards (GET / with several): one card per dashboard with
// its widgets and how many are in error, danger, warning or stale, in the
// HTML itself (no JavaScript needed); a viewer sees only the dashboards
// granted to them and nothing of the others; the cards fit a phone and a
// 4K TV without sideways scrolling, in both themes; a list left open follows
// the widgets. Its own stack: several
// dashboards in trouble would change what the other files' stacks test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack, elementWith, byClass, textOf } from '../harness/stack.mjs';
import { ARTIFACTS, launch, login, watch, dispose } from './helpers.mjs';

let s;
let browser;
const VERA_PW = 'vera-sees-two';
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

const thresholds = { thresholds: { warning: 80, danger: 95 } };
const DASHBOARDS = [
  { slug: 'ops', title: 'Operations', description: 'Servers & <queues>', widgets: [
    { name: 'cpu', type: 'number', title: 'CPU', source: { kind: 'push' }, options: thresholds },
    { name: 'disk', type: 'meter', title: 'Disk', source: { kind: 'push' }, options: { min: 0, max: 100, ...thresholds } },
    { name: 'mem', type: 'number', title: 'Memory', source: { kind: 'push' }, options: thresholds },
    { name: 'broken', type: 'number', title: 'Broken', source: { kind: 'exec', command: ['/bin/false'] } },
    { name: 'old', type: 'text', title: 'Old', interval: 60,
      source: { kind: 'exec', command: ['/bin/echo', '{"text":"from long ago"}'] } },
  ] },
  { slug: 'sales', title: 'Sales', widgets: [{ name: 'revenue', type: 'number', source: { kind: 'push' } }] },
  { slug: 'secret', title: 'Secret plans', widgets: [
    { name: 'plans', type: 'number', source: { kind: 'push' }, options: thresholds },
    { name: 'plans_feed', type: 'text', source: { kind: 'exec', command: ['/bin/false'] } },
  ] },
  { slug: 'empty', title: 'Nothing yet', widgets: [] },
];

before(async () => {
  s = await startStack();
  await s.apply({ dashboards: DASHBOARDS });
  // One pass of the updater: "broken" and "plans_feed" fail (error), "old"
  // gets data that is then made ten minutes old (stale, interval 60 s).
  const up = await s.mdash(['update']);
  assert.notEqual(up.code, 0, `the failing sources should make mdash update fail:\n${show(up)}`);
  await s.sql("UPDATE widgets SET updated_at = updated_at - INTERVAL 10 MINUTE, "
    + "attempted_at = attempted_at - INTERVAL 10 MINUTE WHERE name = 'old'");
  const t = await s.mdash(['token', 'add', 'home-test']);
  assert.equal(t.code, 0, show(t));
  const token = t.stdout.trim().split('\n').pop();
  // cpu 85: warning; disk 97: danger; mem 50: fine; plans 99: danger.
  for (const [name, body] of [['cpu', { current: 85 }], ['disk', { value: 97 }], ['mem', { current: 50 }],
    ['revenue', { current: 7 }], ['plans', { current: 99 }]]) {
    const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...body }) });
    assert.equal(res.status, 204, `push to ${name}: ${res.status} ${await res.text()}`);
  }
  let r = await s.mdash(['user', 'add', 'vera'], { input: `${VERA_PW}\n` });
  assert.equal(r.code, 0, show(r));
  for (const slug of ['ops', 'sales']) {
    r = await s.mdash(['user', 'grant', 'vera', slug]);
    assert.equal(r.code, 0, show(r));
  }
  browser = await launch();
});

after(async () => {
  await dispose(browser);
  await s?.stop();
});

/** The card of SLUG in the list's HTML: {html, attrs, title, widgets, issues{kind: text}} or null. */
function card(html, slug) {
  const el = elementWith(html, 'data-dashboard', slug);
  if (!el) return null;
  const issues = {};
  for (const m of el.html.matchAll(/<(?:li|span) class="issue issue-([a-z]+)">([^<]*)</g)) issues[m[1]] = m[2].trim();
  return {
    html: el.html,
    attrs: el.attrs,
    title: byClass(el.html, 'dash-card-title')?.text,
    widgets: byClass(el.html, 'dash-card-widgets')?.text,
    description: byClass(el.html, 'dash-card-description')?.text,
    issues,
  };
}

function mustCard(html, slug) {
  const c = card(html, slug);
  assert.ok(c, `no card for ${slug} in the list:\n${html.slice(0, 4000)}`);
  return c;
}

test('without JavaScript, every card says its widgets and how many are in trouble', async () => {
  const res = await s.get('/');
  const html = await res.text();
  assert.equal(res.status, 200, `GET / answered ${res.status}`);
  const ops = mustCard(html, 'ops');
  assert.equal(ops.title, 'Operations');
  assert.match(ops.html, /<a href="\/d\/ops">/);
  assert.equal(ops.description, 'Servers & <queues>', 'the description is shown as text');
  assert.doesNotMatch(html, /<queues>/, 'the description is escaped');
  assert.equal(ops.widgets, '5 widgets');
  // Each widget in one bucket: broken (error), old (stale), disk (danger), cpu (warning); mem is fine.
  assert.deepEqual(ops.issues, { error: '1 error', danger: '1 in danger', warning: '1 warning', stale: '1 stale' });
  assert.equal(ops.attrs['data-health'], 'danger', 'a card with an error or a danger is red');

  const sales = mustCard(html, 'sales');
  assert.equal(sales.widgets, '1 widget');
  assert.deepEqual(sales.issues, { ok: 'All OK' });
  assert.equal(sales.attrs['data-health'], 'ok');

  const secret = mustCard(html, 'secret');
  assert.deepEqual(secret.issues, { error: '1 error', danger: '1 in danger' });

  const empty = mustCard(html, 'empty');
  assert.equal(empty.widgets, 'No widgets yet');
  assert.deepEqual(empty.issues, {});

  assert.equal(byClass(html, 'list-summary')?.text, '2 of 4 dashboards need attention.');
  // The cards are the page's navigation: no second list of the same links in the header.
  assert.equal(byClass(html, 'dash-nav'), null);
});

test('counts follow the widgets: a fixed warning leaves the card', async () => {
  const t = (await s.mdash(['token', 'add', 'home-fix'])).stdout.trim().split('\n').pop();
  const push = async (current) => {
    const res = await s.get('/widgets/cpu', { method: 'POST', body: JSON.stringify({ auth_token: t, current }) });
    assert.equal(res.status, 204);
  };
  await push(20);
  let ops = mustCard(await (await s.get('/')).text(), 'ops');
  assert.equal(ops.issues.warning, undefined, `cpu at 20 still counts as a warning: ${JSON.stringify(ops.issues)}`);
  await push(81);
  await push(82);
  ops = mustCard(await (await s.get('/')).text(), 'ops');
  assert.equal(ops.issues.warning, '1 warning');
});

test('a viewer sees only the dashboards granted to them, and nothing of the others', async () => {
  const ctx = await browser.newContext();
  try {
    await login(ctx, s.base, 'vera', VERA_PW);
    // The HTML as served (the request shares the browser's session; no script runs).
    const res = await ctx.request.get(`${s.base}/`, { maxRedirects: 0 });
    const html = await res.text();
    assert.equal(res.status(), 200);
    assert.ok(card(html, 'ops') && card(html, 'sales'), 'vera sees her two dashboards');
    assert.equal(card(html, 'secret'), null, 'vera sees a card of a dashboard she may not see');
    assert.equal(card(html, 'empty'), null);
    assert.doesNotMatch(html, /secret|Secret plans|Nothing yet|\/d\/empty/i);
    assert.deepEqual(mustCard(html, 'ops').issues, { error: '1 error', danger: '1 in danger', warning: '1 warning', stale: '1 stale' });
    // The summary counts her dashboards only (secret is in trouble too).
    assert.equal(byClass(html, 'list-summary')?.text, '1 of 2 dashboards needs attention.');
  } finally {
    await dispose(ctx);
  }
});

/** Relative luminance contrast of two CSS colours as computed (rgb() or color(srgb ...)). */
function contrast(a, b) {
  const lum = (c) => {
    let v = /rgba?\(([^)]+)\)/.exec(c)?.[1].split(/[ ,/]+/).slice(0, 3).map((x) => Number(x) / 255);
    v ??= /color\(srgb ([^)]+)\)/.exec(c)?.[1].split(/[ /]+/).slice(0, 3).map(Number);
    assert.ok(v && v.every(Number.isFinite), `cannot read the colour ${c}`);
    const [r, g, bl] = v.map((x) => (x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

for (const [name, viewport, theme] of [['phone', { width: 390, height: 844 }, 'light'],
  ['4K TV', { width: 3840, height: 2160 }, 'dark'], ['phone', { width: 390, height: 844 }, 'dark']]) {
  test(`on a ${name} (${viewport.width}×${viewport.height}, ${theme}) the cards fit without sideways scrolling, with or without JavaScript`, async () => {
    for (const javaScriptEnabled of [false, true]) {
      const ctx = await browser.newContext({ viewport, colorScheme: theme, javaScriptEnabled });
      try {
        const page = await ctx.newPage();
        const log = watch(page);
        const res = await page.goto(`${s.base}/`, { waitUntil: 'load' });
        assert.equal(res.status(), 200);
        const m = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
          cards: [...document.querySelectorAll('.dash-card')].map((el) => {
            const r = el.getBoundingClientRect();
            return { slug: el.dataset.dashboard, left: r.left, right: r.right, width: r.width, height: r.height };
          }),
          badges: [...document.querySelectorAll('.issue')].map((el) => {
            const cs = getComputedStyle(el);
            const bg = cs.backgroundColor;
            const cardBg = getComputedStyle(el.closest('.dash-card')).backgroundColor;
            return { text: el.textContent, color: cs.color, bg: /^rgba\(.*,\s*0\)$|^transparent$/.test(bg) ? cardBg : bg,
              px: parseFloat(cs.fontSize) };
          }),
          titlePx: parseFloat(getComputedStyle(document.querySelector('.dash-card-title')).fontSize),
        }));
        await page.screenshot({ path: path.join(ARTIFACTS, `home-${viewport.width}-${theme}${javaScriptEnabled ? '' : '-nojs'}.png`) });
        assert.equal(m.cards.length, 4, 'four cards');
        assert.ok(m.scroll <= m.inner, `the list scrolls sideways: scrollWidth ${m.scroll} > ${m.inner}`);
        for (const c of m.cards) {
          assert.ok(c.left >= 0 && c.right <= m.inner, `card ${c.slug} sticks out of the screen: ${JSON.stringify(c)}`);
          assert.ok(c.width >= 250, `card ${c.slug} is only ${c.width} px wide`);
        }
        if (viewport.width >= 3000) {
          // Readable from across the room: type grows with the screen, several cards share a row.
          assert.ok(m.titlePx >= 30, `card titles are ${m.titlePx} px on a 4K screen`);
          assert.equal(new Set(m.cards.map((c) => Math.round(c.height))).size, 1, 'the cards of a row share a height');
        } else {
          assert.ok(m.cards.every((c) => c.width >= viewport.width - 40), 'one card per row on a phone');
        }
        for (const b of m.badges) {
          const ratio = contrast(b.color, b.bg);
          assert.ok(ratio >= 4.5, `badge "${b.text}" (${b.color} on ${b.bg}) has a contrast of ${ratio.toFixed(2)}`);
        }
        assert.deepEqual(log.errors, []);
      } finally {
        await dispose(ctx);
      }
    }
  });
}

test('the whole card opens its dashboard', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await ctx.newPage();
    await page.goto(`${s.base}/`, { waitUntil: 'load' });
    // A click on the card's text, away from the title's link text.
    const box = await page.locator('[data-dashboard="sales"] .dash-card-widgets').boundingBox();
    await Promise.all([
      page.waitForURL(`${s.base}/d/sales`),
      page.mouse.click(box.x + box.width / 2, box.y + box.height / 2),
    ]);
    assert.equal(await page.locator('[data-widget="revenue"]').count(), 1);
  } finally {
    await dispose(ctx);
  }
});

test('a list left open follows its dashboards without a reload, keeping the focus', async () => {
  const t = (await s.mdash(['token', 'add', 'home-live'])).stdout.trim().split('\n').pop();
  const push = async (name, body) => {
    const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: t, ...body }) });
    assert.equal(res.status, 204);
  };
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await ctx.newPage();
    const log = watch(page);
    await page.clock.install();
    await page.goto(`${s.base}/`, { waitUntil: 'load' });
    const danger = page.locator('[data-dashboard="ops"] .issue-danger');
    assert.equal(await danger.textContent(), '1 in danger');
    await page.locator('[data-dashboard="sales"] .dash-card-title a').focus();
    await push('mem', { current: 99 });
    // The list asks again every half minute (the page's clock is run forward).
    await page.clock.runFor(31000);
    await page.waitForFunction(() => document.querySelector('[data-dashboard="ops"] .issue-danger')?.textContent === '2 in danger',
      null, { timeout: 10000 });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '/d/sales',
      'the focus left the card it was on');
    assert.deepEqual(log.errors, []);
  } finally {
    await push('mem', { current: 50 });
    await dispose(ctx);
  }
});
