<?cs # SPDX-License-Identifier: MIT ?><?cs include:"layout-head.cs" ?><?cs
# One count on a card: "2 warnings", "1 stale". ?><?cs
def:issue(kind, n, one, many) ?><?cs if:n > 0 ?><li class="issue issue-<?cs var:kind ?>"><?cs var:n ?> <?cs if:n == 1 ?><?cs var:one ?><?cs else ?><?cs var:many ?><?cs /if ?></li><?cs /if ?><?cs /def ?>
<main class="dashboard-list">
<?cs if:Page.admin ?><p class="list-tools"><button type="button" class="button primary" data-dash-action="create">New dashboard</button></p>
<?cs /if ?><?cs if:subcount(Nav) == 0 && Page.user && !Page.admin ?><p class="empty">No dashboard has been shared with you yet. Ask an administrator for access.</p>
<?cs elif:subcount(Nav) == 0 ?><p class="empty">No dashboards yet. Describe one in a JSON file and run <code>mdash apply FILE</code><?cs if:Page.admin ?>, or create one with <strong>New dashboard</strong><?cs /if ?>.</p>
<?cs else ?><p class="list-summary"><?cs if:List.troubled == 0 ?>All <?cs var:subcount(Nav) ?> dashboards are fine.<?cs
 elif:List.troubled == 1 ?>1 of <?cs var:subcount(Nav) ?> dashboards needs attention.<?cs
 else ?><?cs var:List.troubled ?> of <?cs var:subcount(Nav) ?> dashboards need attention.<?cs /if ?></p>
<ul class="dash-cards"><?cs each:d = Nav ?>
<li class="dash-card" data-dashboard="<?cs var:d.slug ?>" data-health="<?cs var:d.health ?>">
<h2 class="dash-card-title"><a href="<?cs var:Page.base ?>d/<?cs var:d.slug ?>"><?cs var:d.title ?></a></h2>
<?cs if:d.description ?><p class="dash-card-description"><?cs var:d.description ?></p>
<?cs /if ?><p class="dash-card-widgets"><?cs if:d.widgets == 0 ?>No widgets yet<?cs elif:d.widgets == 1 ?>1 widget<?cs else ?><?cs var:d.widgets ?> widgets<?cs /if ?></p>
<?cs if:d.problems > 0 ?><ul class="dash-card-issues" aria-label="Widgets that need attention"><?cs
 call:issue("error", d.error, "error", "errors") ?><?cs
 call:issue("danger", d.danger, "in danger", "in danger") ?><?cs
 call:issue("warning", d.warning, "warning", "warnings") ?><?cs
 call:issue("stale", d.stale, "stale", "stale") ?></ul>
<?cs elif:d.widgets > 0 ?><p class="dash-card-issues"><span class="issue issue-ok">All OK</span></p>
<?cs /if ?><?cs if:Page.admin ?><p class="dash-card-tools"><button type="button" class="button" data-dash-action="rename">Rename</button> <button type="button" class="button danger" data-dash-action="delete">Delete</button></p>
<?cs /if ?></li><?cs /each ?>
</ul>
<?cs /if ?></main>
<?cs include:"layout-foot.cs" ?>
