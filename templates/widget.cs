<?cs # SPDX-License-Identifier: MIT ?><?cs # One widget's element, the same in the page and as a fragment. The type's
     template, parsed before this file, defines widget_body(w). A type that
     shows the time of the render (the clock) has no "Updated" line. ?><li class="widget widget-<?cs var:Widget.type ?>" data-widget="<?cs var:Widget.name ?>" data-type="<?cs var:Widget.type ?>" data-col="<?cs var:Widget.col ?>" data-row="<?cs var:Widget.row ?>" data-sizex="<?cs var:Widget.sizex ?>" data-sizey="<?cs var:Widget.sizey ?>" data-version="<?cs var:Widget.version ?>" data-state="<?cs var:Widget.state ?>" data-interval="<?cs var:Widget.interval ?>"<?cs if:Widget.status ?> data-status="<?cs var:Widget.status ?>"<?cs /if ?> style="grid-column:<?cs var:Widget.col ?> / span <?cs var:Widget.sizex ?>;grid-row:<?cs var:Widget.row ?> / span <?cs var:Widget.sizey ?>">
<h2 class="widget-title" title="<?cs var:Widget.title ?>"><?cs var:Widget.title ?></h2>
<?cs call:widget_body(Widget) ?>
<?cs if:Widget.moreinfo ?><p class="moreinfo"><?cs var:Widget.moreinfo ?></p>
<?cs /if ?><?cs if:Widget.error ?><p class="widget-error" role="alert"><?cs var:Widget.error ?></p>
<?cs /if ?><?cs if:!Widget.shows_time ?><p class="updated"><?cs if:Widget.updated_at ?>Updated <time datetime="<?cs var:Widget.updated_at ?>"><?cs var:Widget.updated_time ?> UTC</time><?cs else ?>No data yet<?cs /if ?></p>
<?cs /if ?></li>
