<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><div class="meter">
<svg class="gauge" viewBox="0 0 200 110" role="img" aria-label="<?cs var:w.ctx.value ?> (<?cs var:w.ctx.percent ?>% of the range <?cs var:w.ctx.min ?> to <?cs var:w.ctx.max ?>)"><path class="gauge-track" d="M20,100 A80,80 0 0 1 180,100"/><path class="gauge-fill" d="<?cs var:w.ctx.arc ?>"/></svg>
<p class="value"><?cs var:w.ctx.value ?></p>
</div>
<?cs /def ?>
