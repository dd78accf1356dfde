<?cs # SPDX-License-Identifier: MIT ?><?cs # The sysload plug-in's template (plugins/md_sysload.c). ?><?cs def:widget_body(w) ?><p class="value"><?cs var:w.ctx.value ?></p>
<?cs if:w.ctx.width ?><svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="<?cs var:w.ctx.width ?>% of <?cs var:w.ctx.cpus ?> CPUs"><rect class="bar-track" width="100" height="8" rx="2"/><rect class="bar-fill status-<?cs var:w.ctx.level ?>" width="<?cs var:w.ctx.width ?>" height="8" rx="2"/></svg>
<p class="clock-zone"><?cs var:w.ctx.cpus ?> CPUs · peak <?cs var:w.data.peak ?></p>
<?cs /if ?><?cs /def ?>
