<?cs # SPDX-License-Identifier: MIT ?><?cs include:"layout-head.cs" ?>
<main class="dashboard" data-dashboard="<?cs var:Dashboard.slug ?>" data-columns="<?cs var:Dashboard.columns ?>">
<?cs if:Dashboard.description ?><p class="dash-description"><?cs var:Dashboard.description ?></p>
<?cs /if ?><ul class="grid" style="--columns:<?cs var:Dashboard.columns ?>">
<?cs each:w = Dashboard.widgets ?><?cs uvar:w.html ?>
<?cs /each ?></ul>
<?cs if:subcount(Dashboard.widgets) == 0 ?><p class="empty">This dashboard has no widgets yet.</p>
<?cs /if ?></main>
<?cs include:"layout-foot.cs" ?>
