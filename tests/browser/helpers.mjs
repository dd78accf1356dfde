// SPDX-License-Identifier: MIT
// tests/browser/helpers.mjs: what the browser tests share (not a test file:
// node --test picks *.test.mjs only). Headless Chromium through
// playwright-core, pages watched for errors and CSP violations, logging in
// through the real form, screenshots in tests/artifacts/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { TOP } from '../harness/stack.mjs';

export const ARTIFACTS = path.join(TOP, 'tests', 'artifacts');
export const CHROMIUM = process.env.MDASH_CHROMIUM || '/usr/bin/chromium';

/** Headless Chromium; extraArgs are added to its command line. */
export async function launch(extraArgs = []) {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

/** Awaits what Chromium was asked for (a context, a page), failing with a
 *  clear message after ms instead of waiting for ever: playwright sets no
 *  time limit on these, and a busy machine's Chromium has been seen not to
 *  answer, which hung a whole test file until its 10 minutes ran out. */
export async function bounded(promise, what, ms = 60000) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer from Chromium within ${ms} ms`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a page, a context or a browser (or nothing), never failing and
 *  never waiting more than ms: Chromium has been seen not to answer a close
 *  that came while the page was still loading, and a test that had passed
 *  then hung its whole file. What is left open dies with the browser. */
export async function dispose(thing, ms = 10000) {
  if (!thing) return;
  await bounded(thing.close(), 'closing', ms).catch(() => {});
}

/** Records uncaught errors, CSP violations and the console of a page. */
export function watch(page, log = { errors: [], csp: [], console: [] }) {
  page.on('pageerror', (e) => { log.errors.push(e.message); log.console.push(`[pageerror] ${e.message}`); });
  page.on('console', (m) => {
    log.console.push(`[${m.type()}] ${m.text()}`);
    if (/Content Security Policy/i.test(m.text())) log.csp.push(m.text());
  });
  return log;
}

/** Logs in through the form in a new page of ctx; leaves the session cookie in ctx. */
export async function login(ctx, base, user, password) {
  const page = await ctx.newPage();
  try {
    await page.goto(`${base}/login`, { waitUntil: 'load' });
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(password);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    assert.ok(res.status() < 400, `login as ${user} failed: HTTP ${res.status()}`);
    const cookie = (await ctx.cookies()).find((c) => c.name === 'mdash_session');
    assert.ok(cookie, `no session cookie after logging in as ${user}`);
    // The form leads to a dashboard that is still loading: let it, and leave
    // it, before closing (a close in mid-load has hung).
    await page.waitForLoadState('load').catch(() => {});
    await page.goto('about:blank').catch(() => {});
  } finally {
    await dispose(page);
  }
}

/** Pushes fields to widget name of stack s with a push token (Dashing's
 *  wire format); fails unless the app answers 204. */
export async function pushWith(s, token, name, fields) {
  const res = await s.get(`/widgets/${name}`, { method: 'POST', body: JSON.stringify({ auth_token: token, ...fields }) });
  assert.equal(res.status, 204, `push to ${name}: ${await res.text()}`);
}

/** Waits until the page's push stream is live. */
export async function live(page, ms = 10000) {
  await page.waitForSelector('.conn[data-conn="live"]', { timeout: ms, state: 'attached' });
}

/** Every widget's place as the page shows it: {name: {col,row,sizex,sizey}}. */
export const places = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('[data-widget]')].map((el) => [el.dataset.widget,
    { col: +el.dataset.col, row: +el.dataset.row, sizex: +el.dataset.sizex, sizey: +el.dataset.sizey }])));

/** Screen boxes of the widgets: [{name, x, y, w, h}]. */
export const boxes = (page) => page.evaluate(() => [...document.querySelectorAll('[data-widget]')].map((el) => {
  const r = el.getBoundingClientRect();
  return { name: el.dataset.widget, x: r.x, y: r.y, w: r.width, h: r.height };
}));

/** Fails when two boxes overlap (1 px tolerance). */
export function assertNoOverlap(list) {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i];
      const b = list[j];
      const overlap = a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
      assert.ok(!overlap, `${a.name} and ${b.name} overlap on screen: ${JSON.stringify([a, b])}`);
    }
  }
}
