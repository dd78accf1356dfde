/* SPDX-License-Identifier: MIT */
/* state.js: the one mutable record of the dashboard page that the parts
 * share. Each field has one writer, named beside it. */

export const page = {
  board: null,     // the shown <main class="dashboard"> (main, rotation)
  slug: '',        // its dashboard (main, rotation)
  // Bumped whenever another dashboard is mounted (rotation): answers that
  // belong to the previous one are dropped.
  gen: 0,
  stream: null,    // {slug, query, at}: the last re-check's stream pass (swap)
  session: '',     // the signed-in session's tag, which its "reload" names (swap)
  onWidgetsChanged: null, // widgets were added or removed: the stream follows (stream)
  onGone: null,    // what a rotating screen does when its dashboard has gone (rotation)
  // The layout editor, once loaded for an admin (layout.js): {active(),
  // applyLayout(list), morph(old, fresh), stop()}.
  editor: null,
};

export const widgetEl = (name) => page.board.querySelector(`[data-widget="${name}"]`);
export const versionOf = (el) => parseInt(el.dataset.version, 10) || 0;
export const editing = () => Boolean(page.editor && page.editor.active());
