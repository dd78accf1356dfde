<?cs # SPDX-License-Identifier: MIT ?><?cs include:"layout-head.cs" ?>
<main class="login-page">
<form class="login" method="post" action="<?cs var:Page.base ?>login">
<h2>Log in to mdash</h2>
<?cs if:Login.error ?><p class="login-error" role="alert"><?cs var:Login.error ?></p>
<?cs /if ?><input type="hidden" name="next" value="<?cs var:Login.next ?>">
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required autofocus maxlength="64">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button type="submit">Log in</button>
</form>
</main>
<?cs include:"layout-foot.cs" ?>
