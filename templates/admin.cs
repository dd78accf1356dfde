<?cs # SPDX-License-Identifier: MIT ?><?cs include:"layout-head.cs" ?><?cs
# One part of the page; admin.js fills its body from the API. ?><?cs
def:part(id, title) ?><section class="admin-part" id="<?cs var:id ?>" aria-labelledby="h-<?cs var:id ?>">
<h2 id="h-<?cs var:id ?>"><?cs var:title ?></h2>
<div class="admin-body" data-part="<?cs var:id ?>"><p class="admin-status">Loading…</p></div>
</section>
<?cs /def ?>
<main class="admin-page">
<nav class="admin-nav" aria-label="Administration">
<a href="#dashboards">Dashboards</a> <a href="#users">Users</a> <a href="#tokens">API tokens</a> <a href="#shares">Share links</a> <a href="#audit">Audit log</a>
</nav>
<noscript><p class="empty">This page needs JavaScript. From a shell on the server the same is done with
<code>mdash dashboard</code>, <code>mdash user</code>, <code>mdash token</code>, <code>mdash share</code> and <code>mdash audit</code>.</p></noscript>
<?cs call:part("dashboards", "Dashboards") ?><?cs call:part("users", "Users") ?><?cs call:part("tokens", "API tokens") ?><?cs call:part("shares", "Share links") ?><?cs call:part("audit", "Audit log") ?></main>
<?cs include:"layout-foot.cs" ?>
