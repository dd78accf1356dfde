<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><p class="value"><?cs var:w.ctx.value ?></p>
<?cs if:w.ctx.line ?><svg class="graph" viewBox="0 0 300 100" preserveAspectRatio="none" role="img" aria-label="<?cs var:w.ctx.count ?> points from <?cs var:w.ctx.min ?> to <?cs var:w.ctx.max ?>, latest <?cs var:w.ctx.value ?>"><path class="graph-area" d="<?cs var:w.ctx.area ?>"/><path class="graph-line" d="<?cs var:w.ctx.line ?>" vector-effect="non-scaling-stroke"/><?cs if:w.ctx.dot ?><circle class="graph-dot" cx="150" cy="50" r="3"/><?cs /if ?></svg>
<?cs /if ?><?cs /def ?>
