<?cs # SPDX-License-Identifier: MIT ?><?cs # A value outside min..max keeps its number; the arc stops at the end and
     a line beneath the gauge says "over MAX" or "under MIN" (data-range for
     CSS). ?><?cs def:widget_body(w) ?><div class="meter"<?cs if:w.ctx.range ?> data-range="<?cs var:w.ctx.range ?>"<?cs /if ?>>
<svg class="gauge" viewBox="0 0 200 110" role="img" aria-label="<?cs var:w.ctx.value ?> (<?cs if:w.ctx.range ?><?cs var:w.ctx.range ?> the range<?cs else ?><?cs var:w.ctx.percent ?>% of the range<?cs /if ?> <?cs var:w.ctx.min ?> to <?cs var:w.ctx.max ?>)"><path class="gauge-track" d="M20,100 A80,80 0 0 1 180,100"/><path class="gauge-fill" d="<?cs var:w.ctx.arc ?>"/></svg>
<p class="value"><?cs var:w.ctx.value ?></p>
</div>
<?cs if:w.ctx.range ?><p class="meter-range" data-range="<?cs var:w.ctx.range ?>"><span aria-hidden="true"><?cs if:w.ctx.range == "over" ?>▲<?cs else ?>▼<?cs /if ?></span> <?cs var:w.ctx.range ?> <?cs var:w.ctx.limit ?></p>
<?cs /if ?><?cs /def ?>
