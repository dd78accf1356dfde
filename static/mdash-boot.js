/* SPDX-License-Identifier: MIT */
/* mdash-boot.js: runs in <head>, before the body is painted, so that a wall
 * screen never flashes the chrome it is about to hide. It only turns the
 * page's display options from the address into classes on <html>:
 *   ?kiosk=1  no header, nav or user box; a small connection dot remains
 *   ?fit=1    the grid fills the screen, text scales with it (TVs)
 *   ?theme=dark|light  overrides the system's colour scheme
 * and marks the page as scripted ("js"): the live indicator, which says
 * "static" in a page without JavaScript, waits unseen for mdash.js.
 * Everything else (rotation, live updates, layout editing) is mdash.js.
 * "0", "false", "no" and "off" mean off; any other value, or none, means on.
 */
(() => {
  'use strict';
  const q = new URLSearchParams(location.search);
  const on = (name) => q.has(name) && !/^(0|false|no|off)$/i.test(q.get(name));
  const cl = document.documentElement.classList;
  cl.add('js');
  if (on('kiosk')) cl.add('kiosk');
  if (on('fit')) cl.add('fit');
  const theme = q.get('theme');
  if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;
})();
