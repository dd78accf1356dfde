<?cs # SPDX-License-Identifier: MIT ?><?cs include:"layout-head.cs" ?>
<main class="error-page">
<h2><?cs var:Error.status ?> <?cs var:Error.reason ?></h2>
<p><?cs var:Error.message ?></p>
<p><a href="<?cs var:Page.base ?>">All dashboards</a></p>
</main>
<?cs include:"layout-foot.cs" ?>
