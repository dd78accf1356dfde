<?cs # SPDX-License-Identifier: MIT ?><?cs def:widget_body(w) ?><ol class="items"><?cs each:item = w.data.items ?>
<li><span class="label" title="<?cs var:item.label ?>"><?cs var:item.label ?></span> <span class="value"><?cs var:item.value ?></span></li><?cs /each ?>
</ol>
<?cs /def ?>
