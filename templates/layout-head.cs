<?cs # SPDX-License-Identifier: MIT ?><?cs # The session's CSRF token. In a page nginx keeps for a user (lib/pass.h),
a mark nginx fills in from the page pass, once: escaped text never holds it.
The logout form below has a mark of its own (PAGE_CSRF_FORM_MARK). ?><?cs
def:csrf_token() ?><?cs if:Page.cached ?><!--mdash-csrf--><?cs else ?><?cs var:Page.csrf ?><?cs /if ?><?cs /def ?><!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="mdash-base" content="<?cs if:Page.api ?><?cs var:Page.api ?><?cs else ?><?cs var:Page.base ?><?cs /if ?>">
<?cs if:Page.api ?><meta name="mdash-site" content="<?cs var:Page.base ?>">
<?cs /if ?><?cs if:Page.csrf ?><meta name="csrf-token" content="<?cs call:csrf_token() ?>">
<?cs /if ?><?cs if:Page.admin ?><meta name="mdash-admin" content="1">
<?cs /if ?><title><?cs var:Page.title ?> · mdash</title>
<link rel="icon" href="<?cs var:Page.base ?>static/favicon.svg" type="image/svg+xml">
<?cs if:Dashboard.slug && Page.admin && !Page.api ?><link rel="stylesheet" href="<?cs var:Page.base ?>static/vendor/gridstack.min.css">
<?cs /if ?><link rel="stylesheet" href="<?cs var:Page.base ?>static/mdash.css">
<script src="<?cs var:Page.base ?>static/mdash-boot.js"></script>
<?cs if:Dashboard.slug && Page.admin && !Page.api ?><script src="<?cs var:Page.base ?>static/vendor/gridstack-all.js" defer></script>
<?cs /if ?><script type="module" src="<?cs var:Page.base ?>static/mdash.js"></script>
</head>
<body>
<header class="topbar">
<h1 class="dash-title"><?cs var:Page.title ?></h1>
<?cs # The list of dashboards is its own navigation. ?><?cs if:subcount(Nav) > 1 && Dashboard.slug ?><nav class="dash-nav" aria-label="Dashboards"><?cs
 each:d = Nav ?><a href="<?cs var:Page.base ?>d/<?cs var:d.slug ?>"<?cs
 if:d.current ?> aria-current="page"<?cs /if ?>><?cs var:d.title ?></a> <?cs /each ?></nav>
<?cs /if ?><?cs if:Dashboard.slug ?><span class="conn" data-conn="static" role="status">static</span>
<?cs /if ?><?cs if:Dashboard.slug && Page.admin && !Page.api ?><button type="button" class="edit-layout" aria-pressed="false" aria-describedby="edit-help" hidden>Edit layout</button><span id="edit-help" class="visually-hidden">Drag a widget or its corner. From the keyboard: Tab to a widget, arrow keys move it, Shift with arrow keys resizes it, Escape ends editing. Changes are saved at once.</span><span class="edit-status" role="status"></span><button type="button" class="author-add" hidden>Add widget</button><button type="button" class="author-widgets" hidden>Widgets</button><button type="button" class="share-make" title="A read-only link to this dashboard that opens without a login, for a wall screen">Share link</button><output class="share-out"></output>
<?cs /if ?><?cs if:Page.admin && !Page.api ?><a class="admin-link" href="<?cs var:Page.base ?>admin"<?cs if:Page.adminpage ?> aria-current="page"<?cs /if ?>>Admin</a>
<?cs /if ?><?cs if:Page.user ?><form class="logout" method="post" action="<?cs var:Page.base ?>logout"><input type="hidden" name="csrf" value="<?cs if:Page.cached ?><!--mdash-csrf-form--><?cs else ?><?cs var:Page.csrf ?><?cs /if ?>"><span class="user"><?cs var:Page.user ?></span> <button type="submit">Log out</button></form>
<?cs /if ?></header>
