<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><?cs if:w.ctx.src ?><img class="picture" src="<?cs var:w.ctx.src ?>" alt="<?cs var:w.ctx.alt ?>" loading="lazy" referrerpolicy="no-referrer"><?cs else ?><p class="value">–</p><?cs /if ?>
<?cs /def ?>
