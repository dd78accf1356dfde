<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><p class="value clock" data-tz="<?cs var:w.ctx.timezone ?>" data-seconds="<?cs var:w.ctx.seconds ?>"><?cs var:w.ctx.time ?></p>
<p class="clock-zone"><?cs var:w.ctx.timezone ?></p>
<?cs /def ?>
