<?cs # SPDX-License-Identifier: MIT ?><?cs include:"layout-head.cs" ?>
<main class="dashboard-list">
<?cs if:subcount(Nav) == 0 && Page.user && !Page.admin ?><p class="empty">No dashboard has been shared with you yet. Ask an administrator for access.</p>
<?cs elif:subcount(Nav) == 0 ?><p class="empty">No dashboards yet. Describe one in a JSON file and run <code>mdash apply FILE</code>.</p>
<?cs else ?><ul class="dashboards"><?cs each:d = Nav ?>
<li><a href="<?cs var:Page.base ?>d/<?cs var:d.slug ?>"><?cs var:d.title ?></a></li><?cs /each ?>
</ul>
<?cs /if ?></main>
<?cs include:"layout-foot.cs" ?>
