<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><p class="text"><?cs var:w.data.text ?></p>
<?cs /def ?>
