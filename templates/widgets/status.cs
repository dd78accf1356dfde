<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><p class="value status-level status-<?cs var:w.ctx.level ?>"><span class="status-dot" aria-hidden="true"></span><?cs var:w.ctx.label ?></p>
<?cs if:w.data.text ?><p class="text"><?cs var:w.data.text ?></p>
<?cs /if ?><?cs /def ?>
