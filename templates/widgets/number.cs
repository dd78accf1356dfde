<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><p class="value" data-chars="<?cs var:string.length(w.ctx.prefix) + string.length(w.ctx.value) + string.length(w.ctx.suffix) ?>"><?cs var:w.ctx.prefix ?><?cs var:w.ctx.value ?><?cs var:w.ctx.suffix ?></p>
<?cs if:w.ctx.change ?><p class="change <?cs var:w.ctx.direction ?>"><?cs var:w.ctx.change ?></p>
<?cs /if ?><?cs if:w.ctx.spark ?><svg class="sparkline" viewBox="0 0 100 20" preserveAspectRatio="none" aria-hidden="true"><path d="<?cs var:w.ctx.spark ?>" vector-effect="non-scaling-stroke"/></svg>
<?cs /if ?><?cs /def ?>
