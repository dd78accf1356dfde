// SPDX-License-Identifier: MIT
// `mdash setup` for real against a fresh private MariaDB (started by
// `dev/stack start-db`, its root on a unix socket): --dry-run changes
// nothing; the first run creates the database, its account with a random
// password (written into the settings file, 0640, the rest of the file
// kept), the schema, the fragment key and the first administrator (password
// from stdin), and prints the one line for each thing it could not do (here:
// another default nginx site, no systemd); the second run changes nothing
// and says so. Then the nginx site is linked (checked with nginx -t), a
// settings password the account lost is set again, and --db-admin FILE
// makes another database as another administrator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile, stat, rm, readdir, lstat, readlink, chmod } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import path from 'node:path';
import { run, MDASH, TOP } from '../harness/stack.mjs';

const STACK = path.join(TOP, 'dev', 'stack');
let dir;
let sock;
let settings;
let env;
const PW = 'boss-password-1';
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

const setup = (args = [], opts = {}) => run(MDASH, ['setup', ...args], { input: opts.input ?? '', env: { ...env, ...(opts.env || {}) } });
const mdash = (args) => run(MDASH, args, { env });

/** A query as MariaDB's root: rows of tab-separated strings. */
async function root(query, db = '') {
  const r = await run('mariadb', ['--no-defaults', '-S', sock, '-uroot', '-N', '-B', ...(db ? [db] : []), '-e', query]);
  assert.equal(r.code, 0, `${query}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l).map((l) => l.split('\t'));
}

/** What a second run must leave alone, as one comparable string. */
async function snapshot() {
  const key = await readFile(path.join(dir, 'etc', 'fragment-key.conf'), 'utf8').catch(() => null);
  return JSON.stringify({
    settings: await readFile(settings, 'utf8'),
    mode: (await stat(settings)).mode,
    key,
    accounts: await root("SELECT User, Host, authentication_string FROM mysql.user WHERE User LIKE 'mdash%' ORDER BY 1, 2"),
    grants: await root("SHOW GRANTS FOR 'mdash'@'localhost'").catch(() => null),
    users: await root('SELECT name, password_hash, role FROM users ORDER BY name', 'mdash').catch(() => null),
    migrations: await root('SELECT version FROM schema_migrations', 'mdash').catch(() => null),
    links: await readdir(path.join(dir, 'nginx', 'sites-enabled')),
  });
}

const SETTINGS = (d) => `# Settings of the setup test: comments and order stay.
RequireLogin = 1
Database.Socket = ${d}/run/mysqld.sock
#Database.Name = mdash
Database.Password =
TemplateDir = ${TOP}/templates
SchemaDir = ${TOP}/schema
PluginDir = ${TOP}/plugins
FragmentKeyFile = ${d}/etc/fragment-key.conf
LockFile = ${d}/run/update.lock
PublishURL = unix:${d}/run/publish.sock:/pub/
Secret.grafana = viewer:secret
`;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mdash-setup-'));
  await chmod(dir, 0o755);
  await mkdir(path.join(dir, 'etc'));
  await mkdir(path.join(dir, 'nginx', 'sites-enabled'), { recursive: true });
  const up = await run(STACK, ['start-db', dir], { timeout: 90000 });
  assert.equal(up.code, 0, show(up));
  sock = path.join(dir, 'run', 'mysqld.sock');
  settings = path.join(dir, 'etc', 'mdash.hdf');
  await writeFile(settings, SETTINGS(dir), { mode: 0o644 });
  // Debian's own site, the default on port 80.
  await writeFile(path.join(dir, 'nginx', 'sites-enabled', 'default'), 'server {\n\tlisten 80 default_server;\n\tlisten [::]:80 default_server;\n\troot /var/www/html;\n}\n');
  await writeFile(path.join(dir, 'site.conf'), 'server {\n    listen 127.0.0.1:1;\n    location / { return 204; }\n}\n');
  env = { MDASH_CONFIG: settings, MDASH_NGINX_DIR: path.join(dir, 'nginx'), MDASH_NGINX_SITE: path.join(dir, 'site.conf'), MDASH_SYSTEMCTL: '' };
});

after(async () => {
  if (dir) {
    await run(STACK, ['stop-db', dir], { timeout: 60000 });
    if (!process.env.MDASH_TEST_KEEP) await rm(dir, { recursive: true, force: true });
  }
});

const DEFAULT_SITE_LINE = () => `todo  nginx: ${dir}/nginx/sites-enabled/default is another default site, which would answer instead of mdash: remove it (rm ${dir}/nginx/sites-enabled/default) or give the mdash site a server_name in a copy, then run mdash setup again`;
const NO_SYSTEMD = /^todo {2}systemd is not running here: start the app with spawn-fcgi \(man mdash\.fcgi\) and the updater from cron \(.*mdash\.cron\)$/m;

test('--dry-run prints the plan and changes nothing', async () => {
  const before = await snapshot();
  const r = await setup(['--dry-run']);
  assert.equal(r.code, 0, show(r));
  const lines = r.stdout.split('\n');
  for (const want of [
    `mdash setup --dry-run (nothing changes): settings ${settings}`,
    `will  settings ${settings}: mode 0640`,
    'will  database mdash: create it (utf8mb4) as root',
    "will  account 'mdash'@'localhost': create it, with a new random password",
    "will  account 'mdash'@'localhost': grant it all of database mdash",
    `will  Database.Password: write the new password into ${settings}`,
    `will  fragment key ${dir}/etc/fragment-key.conf: make one`,
    'will  administrator admin: add it (its password is asked first)',
    DEFAULT_SITE_LINE(),
    'Dry run: nothing was changed.',
  ]) assert.ok(lines.includes(want), `no line "${want}" in:\n${r.stdout}`);
  assert.match(r.stdout, /^will {2}schema: apply \d+ migrations \(001_init\.sql, /m);
  assert.match(r.stdout, NO_SYSTEMD);
  assert.equal(await snapshot(), before, 'a dry run changed something');
  assert.deepEqual(await root("SHOW DATABASES LIKE 'mdash'"), []);
});

test('the first run does everything it can, and prints the one line for each thing it could not do', async () => {
  const r = await setup(['--admin', 'boss'], { input: `${PW}\n` });
  assert.equal(r.code, 3, `exit 3: set up, with something left to do: ${show(r)}`);
  const text = await readFile(settings, 'utf8');
  const pw = /^Database\.Password = ([0-9a-f]+)$/m.exec(text)?.[1];
  assert.match(pw ?? '', /^[0-9a-f]{48}$/, `no random password in the settings:\n${text}`);
  assert.equal(text, SETTINGS(dir).replace('Database.Password =\n', `Database.Password = ${pw}\n`), 'the rest of the settings file changed');
  assert.ok(!r.stdout.includes(pw) && !r.stderr.includes(pw), 'the password was printed');
  assert.equal((await stat(settings)).mode & 0o7777, 0o640);

  const lines = r.stdout.split('\n');
  for (const want of [
    'done  database mdash created (utf8mb4) as root@localhost',
    "done  account 'mdash'@'localhost' created, with a new random password",
    "done  account 'mdash'@'localhost' may use all of database mdash",
    `done  fragment key ${dir}/etc/fragment-key.conf made (mode 0640)`,
    'done  administrator boss added',
    DEFAULT_SITE_LINE(),
  ]) assert.ok(lines.includes(want), `no line "${want}" in:\n${r.stdout}`);
  assert.match(r.stdout, NO_SYSTEMD);
  // It ends with check-config's verdict and the address to open.
  assert.match(r.stdout, /\nmdash check-config:\nok {3}settings .*\nok {3}database mdash on socket /);
  assert.ok(r.stdout.endsWith(`mdash check-config: some checks FAIL (above).\nOpen http://${hostname()}/ and log in as boss.\n`), r.stdout);
  assert.match(r.stdout, /^FAIL publisher /m, 'no nginx runs here');

  // What it made works: the account with the password in the settings,
  // every migration, the key nginx and the app share, the administrator.
  const files = (await readdir(path.join(TOP, 'schema'))).filter((f) => /^\d{3}_.*\.sql$/.test(f));
  assert.equal((await root('SELECT COUNT(*) FROM schema_migrations', 'mdash'))[0][0], String(files.length));
  assert.match(r.stdout, new RegExp(`^done {2}schema: applied ${files.length} migrations$`, 'm'));
  const users = await mdash(['user', 'list']);
  assert.equal(users.code, 0, show(users));
  assert.match(users.stdout, /^boss\tadmin\t/m);
  const hash = (await root("SELECT password_hash FROM users WHERE name = 'boss'", 'mdash'))[0][0];
  const check = await run('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1]) eq $ARGV[1] ? "match" : "differs"', PW, hash]);
  assert.equal(check.stdout, 'match', 'the administrator\'s password is not the one given on stdin');
  const key = await readFile(path.join(dir, 'etc', 'fragment-key.conf'), 'utf8');
  assert.match(key, /^set \$mdash_fragment_key "[0-9a-f]{64}";\n$/);
  assert.equal((await stat(path.join(dir, 'etc', 'fragment-key.conf'))).mode & 0o777, 0o640);
  assert.deepEqual(await readdir(path.join(dir, 'nginx', 'sites-enabled')), ['default'], 'the site was linked beside another default');
});

test('a second run changes nothing and says so; so does --dry-run', async () => {
  const before = await snapshot();
  const r = await setup([]); // no password on stdin: none is asked
  assert.equal(r.code, 3, show(r));
  assert.doesNotMatch(r.stdout, /^(done|will|FAIL) {2}/m, r.stdout);
  assert.match(r.stdout, /^ok {4}database mdash and account mdash: the settings' password gets in$/m);
  assert.match(r.stdout, /^ok {4}administrator boss$/m);
  assert.match(r.stdout, /^Nothing to do: this server was set up already; the todo lines above are for you\.$/m);
  assert.equal(await snapshot(), before, 'a second run changed something');
  const dry = await setup(['--dry-run']);
  assert.equal(dry.code, 0, show(dry));
  assert.doesNotMatch(dry.stdout, /^(done|will|FAIL) {2}/m, dry.stdout);
  assert.match(dry.stdout, /\nNothing to do: this server is set up\.\n$/);
  assert.equal(await snapshot(), before);
});

test('without another default site, the nginx site is linked once nginx -t takes it', async () => {
  const nginx = path.join(dir, 'nginx');
  await rm(path.join(nginx, 'sites-enabled', 'default'));
  await writeFile(path.join(nginx, 'nginx.conf'), `pid ${nginx}/nginx.pid;\nerror_log ${nginx}/error.log;\nevents {}\nhttp {\n    access_log off;\n    include ${nginx}/sites-enabled/*;\n}\n`);
  // A site nginx refuses is not left enabled.
  await writeFile(path.join(dir, 'broken.conf'), 'server { lisen 1; }\n');
  let r = await setup([], { env: { MDASH_NGINX_SITE: path.join(dir, 'broken.conf') } });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /^FAIL {2}nginx site: nginx -t refuses it, so it is not enabled: \[emerg\] .*unknown directive "lisen"/m);
  assert.deepEqual(await readdir(path.join(nginx, 'sites-enabled')), []);

  r = await setup([]);
  const link = path.join(nginx, 'sites-enabled', 'mdash');
  assert.ok(r.stdout.split('\n').includes(`done  nginx site enabled: ${link} -> ${dir}/site.conf`), r.stdout);
  assert.ok((await lstat(link)).isSymbolicLink());
  assert.equal(await readlink(link), path.join(dir, 'site.conf'));
  // No nginx runs here to reload: the one line says so.
  assert.match(r.stdout, /^todo {2}nginx: the site is enabled, but nginx did not reload: .*: reload it$/m);
  r = await setup([]);
  assert.ok(r.stdout.split('\n').includes(`ok    nginx site ${dir}/site.conf enabled (${link})`), r.stdout);
  assert.match(r.stdout, /^Nothing to do: /m);
});

test('an account whose password is not the settings\' one gets it back', async () => {
  await root("ALTER USER 'mdash'@'localhost' IDENTIFIED BY 'someone-else-s'");
  assert.notEqual((await mdash(['user', 'list'])).code, 0, 'the account still got in');
  const r = await setup([]);
  assert.match(r.stdout, /^done {2}account 'mdash'@'localhost' given a password, with the password in the settings file$/m);
  assert.equal((await mdash(['user', 'list'])).code, 0, 'the settings\' password does not get in');
});

test('--db-admin FILE: another administrator makes another database and account', async () => {
  await root("CREATE USER 'dba'@'localhost' IDENTIFIED BY 'dba-pass #1'; GRANT ALL ON *.* TO 'dba'@'localhost' WITH GRANT OPTION");
  const opts = path.join(dir, 'dba.cnf');
  await writeFile(opts, '[client]\nuser = dba\npassword = "dba-pass #1"\n', { mode: 0o600 });
  const other = path.join(dir, 'etc', 'other.hdf');
  await writeFile(other, SETTINGS(dir).replace('#Database.Name = mdash\n', 'Database.Name = other_db\nDatabase.User = other_user\n')
    .replace(`${dir}/etc/fragment-key.conf`, `${dir}/etc/other-key.conf`));
  const r = await setup(['--db-admin', opts, '--admin', 'root2'], { input: `${PW}\n`, env: { MDASH_CONFIG: other } });
  assert.ok([0, 3].includes(r.code), show(r));
  assert.match(r.stdout, /^done {2}database other_db created \(utf8mb4\) as dba@localhost$/m);
  assert.match(r.stdout, /^done {2}account 'other_user'@'localhost' created, with a new random password$/m);
  assert.match(r.stdout, /^done {2}administrator root2 added$/m);
  const list = await run(MDASH, ['user', 'list'], { env: { ...env, MDASH_CONFIG: other } });
  assert.match(list.stdout, /^root2\tadmin\t/m);
  // A wrong administrator's file: a clear error, nothing made.
  await writeFile(opts, '[client]\nuser = dba\npassword = wrong\n', { mode: 0o600 });
  const third = path.join(dir, 'etc', 'third.hdf');
  await writeFile(third, SETTINGS(dir).replace('#Database.Name = mdash\n', 'Database.Name = third_db\nDatabase.User = third_user\n'));
  const bad = await setup(['--db-admin', opts], { input: `${PW}\n`, env: { MDASH_CONFIG: third } });
  assert.equal(bad.code, 1, show(bad));
  assert.match(bad.stdout, new RegExp(`^FAIL {2}database: cannot connect as ${opts}: Access denied for user 'dba'@'localhost'`, 'm'));
  assert.deepEqual(await root("SHOW DATABASES LIKE 'third_db'"), []);
});
