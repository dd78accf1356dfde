// SPDX-License-Identifier: MIT
// The Debian package, built and taken apart as an administrator would meet
// it: dpkg-buildpackage on a clean copy of the tree (git's files, no
// node_modules; without the network where the test runs as root), then
//  - lintian: no error and no warning, source and binary packages;
//  - dpkg -x into a temp root: the FHS layout: programs, systemd units, tmpfiles.d, man pages,
//    templates, static files, schema, plug-ins, nginx site, sample settings;
//  - the units, cron example, nginx site and settings name installed paths;
//    systemd-analyze verify accepts the units (where it exists);
//  - the man pages name every command of bin/mdash.c and every setting of
//    lib/config.c (so a new one cannot go undocumented);
//  - the unpacked `mdash check-config` against a private stack: all ok with
//    the stack's settings pointed at the unpacked files, exit 1 naming the
//    database with a wrong password;
//  - the unpacked app (socket-activated as systemd would, fd 3) behind the
//    unpacked nginx site serves pages, static files, publishes and streams.
//  - mdash-dev's example plug-in builds with pkg-config; bash completion;
//  - under systemd, in a throwaway copy of this machine booted with it
//    (tests/harness/sysroot; skipped where that cannot be): the package
//    installed and set up with data, then upgraded to a build with one more
//    migration: the postinst migrates, the data stays, the new app serves
//    it under the hardened sandbox (seccomp on), an updater pass with a
//    failing source succeeds (exit 3), the watch service and the timer
//    stop each other, and no mdash unit fails.
// Skipped when dpkg-buildpackage or debhelper is missing (apt-get install
// debhelper dpkg-dev fakeroot), and in the sanitizer pass of dev/test (the
// package is built from the source tree, without sanitizers, either way).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startStack, run, freePort, sleep, sse, waitFor, TOP, BUILD } from '../harness/stack.mjs';

// A throwaway copy of this machine booted with systemd (tests/harness/sysroot),
// where the packages are installed and upgraded and their units run for real.
const SYSROOT = path.join(TOP, 'tests', 'harness', 'sysroot');
const sysrootCheck = spawnSync(SYSROOT, ['check'], { encoding: 'utf8' });

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const sanitized = (() => {
  try { return /--enable-sanitizers/.test(readFileSync(path.join(BUILD, 'config.status'), 'utf8')); } catch { return false; }
})();
const gitFiles = spawnSync('git', ['-C', TOP, 'ls-files', '-co', '--exclude-standard', '-z'], { encoding: 'utf8' });
const skip = !has('dpkg-buildpackage') || !has('dh') || !has('dpkg-deb')
  ? 'dpkg-buildpackage or debhelper is missing: apt-get install --no-install-recommends debhelper dpkg-dev fakeroot'
  : sanitized ? 'sanitizer build: the package is tested once, in the plain pass'
    : gitFiles.status !== 0 ? `${TOP} is not a git checkout: the package is built from its tracked files` : false;

// As root, where unshare works, the build runs without a network.
const offline = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
const names = (re, text) => [...text.matchAll(re)].map((m) => m[1]);

let tmp;      // everything of this test: src/, root/, the app's and nginx's state
let root;     // the unpacked package
let deb;
let dsc;      // the source package
let devDeb;   // mdash-dev
let s;        // the private stack (MariaDB, nginx, the tree's app)
let conf;     // the stack's settings, pointed at the unpacked files
let app;      // the unpacked app, under systemd-socket-activate or spawn-fcgi
let nginxPid;
let base2;    // the unpacked nginx site + app

const R = (p) => path.join(root, p);

before(async () => {
  if (skip) return;
  // Under the checkout's var/, not /tmp: the build runs programs it makes
  // (configure's tests), and /tmp may be small or mounted noexec.
  await mkdir(path.join(TOP, 'var'), { recursive: true });
  tmp = await mkdtemp(path.join(TOP, 'var', 'pkg-'));
  await chmod(tmp, 0o755);

  // The tree as git knows it (tracked and new files, not ignored ones): a
  // clean tree, without node_modules (the grid library is committed).
  const src = path.join(tmp, 'src', 'mdash');
  await mkdir(src, { recursive: true });
  const list = gitFiles.stdout.split('\0').filter((f) => f && existsSync(path.join(TOP, f)));
  assert.ok(!list.some((f) => f.startsWith('node_modules/')), 'node_modules is not ignored by git');
  await writeFile(path.join(tmp, 'files'), list.join('\0'));
  const copy = await run('sh', ['-c', 'tar -C "$1" --null -T "$2" -cf - | tar -C "$3" -xf -', 'sh',
    TOP, path.join(tmp, 'files'), src]);
  assert.equal(copy.code, 0, `copying the tree: ${show(copy)}`);

  // The source and the binary package, without the network where this
  // test may take it away (as root: a network namespace of its own, with
  // not even a loopback), so that nothing is fetched. nocheck: the unit
  // tests are dev/test's first stage already.
  const [cmd, args] = offline ? ['unshare', ['-n', 'dpkg-buildpackage', '-us', '-uc']] : ['dpkg-buildpackage', ['-us', '-uc']];
  const build = await run(cmd, args, {
    cwd: src, timeout: 600000, env: { DEB_BUILD_OPTIONS: 'nocheck parallel=2' },
  });
  const log = `${build.stdout}${build.stderr}`;
  assert.equal(build.code, 0, `dpkg-buildpackage failed (exit ${build.code}):\n${log.split('\n').slice(-60).join('\n')}`);
  assert.doesNotMatch(log, /npm ci/, 'the package build went to the npm registry');
  dsc = path.join(tmp, 'src', (await readdir(path.join(tmp, 'src'))).find((f) => /^mdash_.*\.dsc$/.test(f)) || 'none.dsc');
  const debs = (await readdir(path.join(tmp, 'src'))).filter((f) => /^mdash(-dev)?_.*\.deb$/.test(f));
  assert.equal(debs.length, 2, `mdash_*.deb and mdash-dev_*.deb expected, got: ${debs}`);
  deb = path.join(tmp, 'src', debs.find((f) => f.startsWith('mdash_')));
  devDeb = path.join(tmp, 'src', debs.find((f) => f.startsWith('mdash-dev_')));
  // Both packages, as an administrator with mdash-dev installed has them.
  root = path.join(tmp, 'root');
  for (const d of [deb, devDeb]) {
    const x = await run('dpkg', ['-x', d, root]);
    assert.equal(x.code, 0, `dpkg -x ${d}: ${show(x)}`);
  }
  await rm(src, { recursive: true, force: true });

  s = await startStack();
  // The stack's settings, with the unpacked templates, schema and plug-ins.
  // The lock file's directory is writable by anyone: check-config run as
  // root checks it for the user "mdash" where that user exists.
  const lockDir = path.join(tmp, 'lock');
  await mkdir(lockDir);
  await chmod(lockDir, 0o777);
  const plugins = await pluginDir();
  conf = path.join(tmp, 'mdash.hdf');
  await writeSettings(conf, {
    TemplateDir: R('usr/share/mdash/templates'),
    SchemaDir: R('usr/share/mdash/schema'),
    PluginDir: plugins,
    LockFile: path.join(lockDir, 'update.lock'),
    // Its own push socket, not the stack's (under socket activation the
    // app gets it as fd 4 instead).
    'App.PushSocket': path.join(tmp, 'push.sock'),
  });
});

after(async () => {
  if (app) {
    try { process.kill(app.pid, 'SIGTERM'); } catch { /* gone */ }
    await waitGone(app.pid);
  }
  if (nginxPid) {
    try { process.kill(nginxPid, 'SIGTERM'); } catch { /* gone */ }
    await waitGone(nginxPid);
  }
  await s?.stop();
  if (tmp && !process.env.MDASH_TEST_KEEP) await rm(tmp, { recursive: true, force: true });
  else if (tmp) process.stderr.write(`package test files kept in ${tmp}\n`);
});

async function waitGone(pid) {
  for (let i = 0; i < 100; i++) {
    try { process.kill(pid, 0); } catch { return; }
    await sleep(50);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/** The unpacked PluginDir: usr/lib/<triplet>/mdash/plugins (or usr/lib/mdash/plugins). */
async function pluginDir() {
  for (const d of ['usr/lib/mdash/plugins', ...(await readdir(R('usr/lib'))).map((t) => `usr/lib/${t}/mdash/plugins`)]) {
    if (existsSync(R(d))) return R(d);
  }
  assert.fail(`no mdash/plugins directory under ${R('usr/lib')}`);
}

/** Writes the stack's settings file with some settings replaced (mode 0600). */
async function writeSettings(file, changes) {
  let text = await readFile(s.config, 'utf8');
  for (const [name, value] of Object.entries(changes)) {
    const re = new RegExp(`^${name.replace('.', '\\.')} *=.*$`, 'm');
    text = re.test(text) ? text.replace(re, `${name} = ${value}`) : `${text}${name} = ${value}\n`;
  }
  await writeFile(file, text, { mode: 0o600 });
}

const checkConfig = (file) => run(R('usr/bin/mdash'), ['-c', file, 'check-config'], { env: { MDASH_CONFIG: '' } });

test('the package holds the FHS layout', { skip }, async () => {
  const files = [
    'usr/bin/mdash', 'usr/libexec/mdash/mdash.fcgi',
    'lib/systemd/system/mdash-fcgi.socket', 'lib/systemd/system/mdash-fcgi.service',
    'lib/systemd/system/mdash-update.service', 'lib/systemd/system/mdash-update.timer',
    'usr/lib/tmpfiles.d/mdash.conf',
    'usr/share/man/man1/mdash.1.gz', 'usr/share/man/man5/mdash.conf.5.gz', 'usr/share/man/man8/mdash.fcgi.8.gz',
    'etc/nginx/sites-available/mdash', 'lib/systemd/system/mdash-update-watch.service',
    'usr/share/bash-completion/completions/mdash',
    'usr/share/mdash/static/mdash.js', 'usr/share/mdash/static/mdash.css',
    'usr/share/mdash/schema/001_init.sql',
    'usr/share/doc/mdash/examples/mdash.cron', 'usr/share/doc/mdash/examples/mdash.hdf',
    'usr/share/doc/mdash/copyright',
    'etc/mdash/mdash.hdf',
    'usr/include/mdash/widget.h',
  ];
  for (const t of ['layout-head', 'layout-foot', 'dashboard', 'index', 'error', 'login', 'widget']) {
    files.push(`usr/share/mdash/templates/${t}.cs`);
  }
  for (const t of ['number', 'meter', 'list', 'text', 'graph', 'clock', 'image', 'status', 'unknown']) {
    files.push(`usr/share/mdash/templates/widgets/${t}.cs`);
  }
  const missing = files.filter((f) => !existsSync(R(f)));
  assert.deepEqual(missing, [], `missing from ${deb}`);
  // nginx makes the fragment cache inside it; the fragment key is made on
  // the machine by the postinst, never shipped.
  assert.ok(statSync(R('var/cache/mdash')).isDirectory(), 'var/cache/mdash');
  assert.ok(!existsSync(R('etc/mdash/fragment-key.conf')), 'a fragment key in the package');
  for (const f of ['usr/bin/mdash', 'usr/libexec/mdash/mdash.fcgi']) {
    assert.ok(statSync(R(f)).mode & 0o111, `${f} is not executable`);
  }
  assert.ok(existsSync(path.join(await pluginDir(), 'md_sysload.so')), 'the example plug-in md_sysload.so');
  // Every migration of the tree is in the package.
  const schema = (await readdir(path.join(TOP, 'schema'))).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort();
  assert.deepEqual((await readdir(R('usr/share/mdash/schema'))).sort(), schema);
  // The sample settings hold the database password: 0640, a conffile.
  assert.equal(statSync(R('etc/mdash/mdash.hdf')).mode & 0o777, 0o640, 'etc/mdash/mdash.hdf mode');
  // The nginx site is the administrator's to change: a conffile too.
  const info = await run('dpkg-deb', ['-I', deb, 'conffiles']);
  assert.match(info.stdout, /^\/etc\/mdash\/mdash\.hdf$/m, show(info));
  assert.match(info.stdout, /^\/etc\/nginx\/sites-available\/mdash$/m, show(info));
  assert.ok(!existsSync(R('usr/share/mdash/nginx')), 'the site is no longer under /usr/share/mdash/nginx/');
  const depends = (await run('dpkg-deb', ['-f', deb, 'Depends'])).stdout;
  for (const d of ['nginx', 'libnginx-mod-nchan', 'adduser', 'libmariadb3']) {
    assert.match(depends, new RegExp(`(^|, )${d}\\b`), `Depends: ${depends}`);
  }
  assert.match((await run('dpkg-deb', ['-f', deb, 'Recommends'])).stdout, /mariadb-server/);
  assert.equal((await run(R('usr/bin/mdash'), ['--version'])).stdout.trim().split(' ')[0], 'mdash');
});

test('lintian finds no error and no warning in the source and the binary packages', {
  skip: skip || (!has('lintian') && 'lintian is missing: apt-get install lintian'),
}, async () => {
  // The .changes names the source package and every binary package built.
  const changes = dsc.replace(/\.dsc$/, `_${(await run('dpkg', ['--print-architecture'])).stdout.trim()}.changes`);
  assert.ok(existsSync(changes), `no ${changes}`);
  const r = await run('lintian', ['--tag-display-limit', '0', changes], { timeout: 300000 });
  const tags = r.stdout.split('\n').filter((l) => /^[EW]: /.test(l));
  assert.deepEqual(tags, [], `lintian ${path.basename(changes)}: ${show(r)}`);
  assert.equal(r.code, 0, show(r));
});

test('the maintainer scripts make the mdash user and say what is left to do', { skip }, async () => {
  const ctl = path.join(tmp, 'control');
  const e = await run('dpkg-deb', ['-e', deb, ctl]);
  assert.equal(e.code, 0, show(e));
  const postinst = await readFile(path.join(ctl, 'postinst'), 'utf8');
  assert.match(postinst, /adduser --system .*--group --home \/var\/lib\/mdash mdash/);
  assert.match(postinst, /printf 'set \$mdash_fragment_key .*\/dev\/urandom/s, 'the postinst makes the fragment key');
  assert.match(postinst, /One step is left: as root, run\n\n\s+mdash setup\n/, 'the postinst names mdash setup');
  assert.match(postinst, /Database\.Password in \/etc\/mdash\/mdash\.hdf/);
  // Upgrades: links to where the site was move to the conffile, and the
  // migrations run (as mdash) before debhelper's part restarts the services.
  assert.match(postinst, /OLD_SITE=\/usr\/share\/mdash\/nginx\/mdash\.conf/);
  assert.match(postinst, /setpriv --reuid=mdash .*\n?.* mdash migrate/);
  assert.ok(postinst.indexOf('\t\tmigrate_database') < postinst.indexOf('deb-systemd-invoke'),
    'the migrations run before the services restart');
  assert.match(postinst, /systemctl enable --now mdash-fcgi\.socket mdash-update\.timer/);
  assert.match(postinst, /systemd-tmpfiles .*--create mdash\.conf/, 'dh_installtmpfiles makes /run/mdash');
  // The user exists before debhelper's part, which makes /run/mdash for it.
  assert.ok(postinst.indexOf('adduser') < postinst.indexOf('systemd-tmpfiles'), 'adduser before systemd-tmpfiles');
  // Nothing is enabled on installation (the database comes first): no
  // debhelper "enable" snippet, only the one that keeps an admin's choice.
  assert.doesNotMatch(postinst, /new installations run enable/);
  assert.match(postinst, /deb-systemd-helper debian-installed 'mdash-fcgi\.socket'/);
  const sh = await run('sh', ['-n', path.join(ctl, 'postinst'), path.join(ctl, 'postrm')]);
  assert.equal(sh.code, 0, show(sh));
});

test('units, cron example, nginx site and sample settings name the installed paths', { skip }, async () => {
  const unit = (n) => readFileSync(R(`lib/systemd/system/${n}`), 'utf8');
  const socket = unit('mdash-fcgi.socket');
  assert.match(socket, /^ListenStream=\/run\/mdash\/fcgi\.sock$/m);
  assert.match(socket, /^SocketMode=0660$/m);
  assert.match(socket, /^SocketGroup=www-data$/m);
  const fcgi = unit('mdash-fcgi.service');
  assert.match(fcgi, /^ExecStart=\/usr\/libexec\/mdash\/mdash\.fcgi$/m);
  const upd = unit('mdash-update.service');
  assert.match(upd, /^Type=oneshot$/m);
  assert.match(upd, /^ExecStart=\/usr\/bin\/mdash update --quiet$/m);
  assert.match(upd, /^RuntimeDirectory=mdash$/m);
  assert.match(upd, /^RuntimeDirectoryPreserve=yes$/m, 'the socket lives in /run/mdash: keep it');
  const watch = unit('mdash-update-watch.service');
  assert.match(watch, /^ExecStart=\/usr\/bin\/mdash update --watch --quiet$/m);
  assert.match(watch, /^Conflicts=mdash-update\.timer$/m);
  assert.match(watch, /^WantedBy=multi-user\.target$/m);
  for (const u of [upd, watch]) {
    assert.match(u, /^SuccessExitStatus=3$/m, 'some sources failed (exit 3) is no failure of the unit');
  }
  for (const u of [fcgi, upd, watch]) {
    for (const line of ['User=mdash', 'Group=mdash', 'Environment=MDASH_CONFIG=/etc/mdash/mdash.hdf',
      'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'PrivateDevices=yes',
      'ProtectKernelTunables=yes', 'ProtectKernelModules=yes', 'ProtectControlGroups=yes',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6', 'LockPersonality=yes', 'MemoryDenyWriteExecute=yes',
      'SystemCallArchitectures=native', 'SystemCallFilter=@system-service', 'ProtectProc=invisible',
      'ProcSubset=pid', 'RemoveIPC=yes']) {
      assert.ok(u.split('\n').includes(line), `${line} missing from:\n${u}`);
    }
    assert.doesNotMatch(u, /@[A-Z_]+@|SPDX-License-Identifier[^]*SPDX-License-Identifier/, 'a placeholder or a second SPDX line');
  }
  assert.doesNotMatch(fcgi, /^RuntimeDirectory=/m, 'stopping the app must not remove /run/mdash (the socket)');
  assert.match(unit('mdash-update.timer'), /^OnCalendar=minutely$/m);
  const tmpfiles = readFileSync(R('usr/lib/tmpfiles.d/mdash.conf'), 'utf8');
  assert.match(tmpfiles, /^d \/run\/mdash 0755 mdash mdash -$/m);
  // The publisher's socket: only root (nginx's master) and the group mdash
  // (the app, the updater, whoever may read the settings) get in.
  assert.match(tmpfiles, /^d \/run\/mdash\/publish 0750 root mdash -$/m);
  assert.match(readFileSync(R('usr/share/doc/mdash/examples/mdash.cron'), 'utf8'),
    /^\* \* \* \* \* mdash \/usr\/bin\/mdash update --quiet$/m);

  const site = readFileSync(R('etc/nginx/sites-available/mdash'), 'utf8');
  assert.match(site, /^\s*listen 80;$/m);
  assert.match(site, /server unix:\/run\/mdash\/fcgi\.sock;/);
  assert.match(site, /alias \/usr\/share\/mdash\/static\/;/);
  assert.match(site, /^fastcgi_cache_path \/var\/cache\/mdash\/fragments /m);
  assert.match(site, /include \/etc\/mdash\/fragment-key\.con\[f\];/);
  assert.match(site, /include \/etc\/mdash\/proxies\.con\[f\];/, 'the trusted proxies\' lines (mdash proxy-conf)');
  assert.match(site, /^\s*access_log \/var\/log\/nginx\/access\.log mdash;$/m, 'the access log, without secrets');
  // nchan's publisher on a server of its own, on the socket PublishURL names by default.
  const servers = site.split(/^server \{$/m);
  assert.equal(servers.length, 3, 'two servers: the public one and the publisher');
  assert.doesNotMatch(servers[1].replace(/^\s*#.*$/gm, ''), /nchan_publisher|\/pub\//, 'the public server publishes');
  assert.match(servers[2], /listen unix:\/run\/mdash\/publish\/nchan\.sock;/);
  assert.doesNotMatch(site, /@[A-Z_]+@|\/demo\/|listen 127\.0\.0\.1:|"http:\/\/127\.0\.0\.1:/,
    'placeholders, the demo feed, a loopback-only listen or the dev origin');

  const sample = readFileSync(R('etc/mdash/mdash.hdf'), 'utf8');
  assert.match(sample, /^#TemplateDir = \/usr\/share\/mdash\/templates$/m);
  assert.match(sample, /^#PluginDir = \/usr\/lib\/.*mdash\/plugins$/m);
  assert.match(sample, /^#PublishURL = unix:\/run\/mdash\/publish\/nchan\.sock:\/pub\/$/m);
  assert.doesNotMatch(sample, /@[a-zA-Z_]+@/);

  if (has('systemd-analyze')) {
    // Verified where the programs are: ExecStart= pointed into the unpacked root.
    const dir = path.join(tmp, 'units');
    await mkdir(dir, { recursive: true });
    const units = ['mdash-fcgi.socket', 'mdash-fcgi.service', 'mdash-update.service', 'mdash-update.timer',
      'mdash-update-watch.service'];
    for (const u of units) {
      await writeFile(path.join(dir, u), unit(u).replace(/^ExecStart=\//gm, `ExecStart=${root}/`));
    }
    const v = await run('systemd-analyze', ['verify', '--man=no', ...units.map((u) => path.join(dir, u))]);
    assert.equal(v.code, 0, `systemd-analyze verify: ${show(v)}`);
    assert.equal(v.stderr.trim(), '', `systemd-analyze verify complains: ${show(v)}`);
  }
});

test('the man pages document every command and every setting', { skip }, async () => {
  const man = (p) => spawnSync('sh', ['-c', `gzip -dc "${R(p)}"`], { encoding: 'utf8' }).stdout;
  const page1 = man('usr/share/man/man1/mdash.1.gz');
  const page5 = man('usr/share/man/man5/mdash.conf.5.gz');
  const page8 = man('usr/share/man/man8/mdash.fcgi.8.gz');
  const commands = names(/^\s*\{"([a-z-]+)", cmd_/gm, readFileSync(path.join(TOP, 'bin', 'mdash.c'), 'utf8'));
  assert.ok(commands.includes('check-config') && commands.length >= 11, `commands found: ${commands}`);
  for (const c of commands) assert.match(page1, new RegExp(`^\\.Ss ${c}$`, 'm'), `mdash(1) has no section for ${c}`);
  for (const o of ['--force', '--widget', '--watch', '--quiet', '--prune', '--admin', '--title', '--columns']) {
    assert.ok(page1.includes(o.replace(/^--/, 'Fl \\-')), `mdash(1) does not mention ${o}`);
  }
  const settings = names(/S\("([A-Za-z.]+)",/g, readFileSync(path.join(TOP, 'lib', 'config.c'), 'utf8'));
  assert.ok(settings.length >= 20, `settings found: ${settings}`);
  const sample = readFileSync(R('etc/mdash/mdash.hdf'), 'utf8');
  for (const name of settings) {
    assert.match(page5, new RegExp(`^\\.It Cm ${name.replace('.', '\\.')} `, 'm'), `mdash.conf(5) lacks ${name}`);
    assert.match(sample, new RegExp(`^#?${name.replace('.', '\\.')} =`, 'm'), `the sample settings lack ${name}`);
  }
  assert.match(page5, /Secret\./);
  for (const w of ['LISTEN_FDS', 'SIGTERM', 'App.Workers', 'spawn-fcgi']) assert.ok(page8.includes(w), `mdash.fcgi(8): ${w}`);
  // The pages name the files where the package put them.
  assert.ok(page8.includes('Pa /lib/systemd/system/mdash-fcgi.socket'), 'mdash.fcgi(8) names the unit where it is');
  assert.ok(page1.includes('Pa /usr/share/mdash/templates/'), 'mdash(1) names the templates where they are');
  if (has('mandoc')) {
    for (const p of ['man1/mdash.1.gz', 'man5/mdash.conf.5.gz', 'man8/mdash.fcgi.8.gz']) {
      const l = await run('mandoc', ['-Tlint', '-W', 'warning', R(`usr/share/man/${p}`)]);
      assert.equal(l.code, 0, `mandoc -Tlint ${p}: ${show(l)}`);
    }
  }
});

test('mdash-dev: the example plug-in builds with pkg-config against the packaged header, and runs', { skip }, async () => {
  const dev = (await run('dpkg-deb', ['-c', devDeb])).stdout;
  for (const f of ['./usr/include/mdash/widget.h', '/pkgconfig/mdash-widget.pc', './usr/share/doc/mdash-dev/examples/Makefile',
    './usr/share/doc/mdash-dev/examples/md_sysload.c', './usr/share/doc/mdash-dev/examples/sysload.cs']) {
    assert.ok(dev.includes(f), `${f} missing from mdash-dev: ${dev}`);
  }
  assert.ok(!existsSync('/usr/include/mdash/widget.h'), 'this machine has mdash\'s header installed: the test could not tell');
  // The examples as an administrator copies them, built through pkg-config
  // with the unpacked packages as the system root.
  const dir = path.join(tmp, 'plugin-example');
  const cp = await run('cp', ['-r', R('usr/share/doc/mdash-dev/examples'), dir]);
  assert.equal(cp.code, 0, show(cp));
  const pcDir = path.dirname(path.join(root, dev.match(/\.(\/usr\/lib\/\S+\/pkgconfig)\/mdash-widget\.pc/)[1], 'x'));
  const env = { PKG_CONFIG_PATH: pcDir, PKG_CONFIG_LIBDIR: pcDir, PKG_CONFIG_SYSROOT_DIR: root };
  const cflags = await run('pkg-config', ['--cflags', 'mdash-widget'], { env });
  assert.equal(cflags.stdout.trim(), `-I${root}/usr/include`, show(cflags));
  // (pkg-config puts the system root in front of variables too.)
  const plugindir = await run('pkg-config', ['--variable=plugindir', 'mdash-widget'], { env });
  assert.equal(plugindir.stdout.trim(), await pluginDir(), 'plugindir names where the package puts plug-ins');
  const make = await run('make', ['-C', dir, 'CFLAGS=-O2 -Wall -Wextra -Werror'], { env });
  assert.equal(make.code, 0, `make in the examples: ${show(make)}`);
  assert.match(make.stdout, new RegExp(`-shared -fPIC .*-I${root}/usr/include .*md_sysload\\.c`));
  // The plug-in it built, alone in a PluginDir, updates a widget of its type.
  const pdir = path.join(tmp, 'plugin-dir');
  await mkdir(pdir);
  await run('cp', [path.join(dir, 'md_sysload.so'), pdir]);
  const cfg = path.join(tmp, 'plugin.hdf');
  await writeSettings(cfg, { PluginDir: pdir, TemplateDir: R('usr/share/mdash/templates'),
    SchemaDir: R('usr/share/mdash/schema'), LockFile: path.join(tmp, 'lock', 'update.lock') });
  const m = (args) => run(R('usr/bin/mdash'), ['-c', cfg, ...args], { env: { MDASH_CONFIG: '' } });
  const add = await m(['widget', 'add', 'pkg_load', '--type', 'sysload']);
  assert.equal(add.code, 0, show(add));
  const upd = await m(['update', '--force', '--widget', 'pkg_load']);
  assert.equal(upd.code, 0, show(upd));
  assert.match(upd.stdout, /^Successfully updated pkg_load$/m, show(upd));
  const shown = await m(['widget', 'show', 'pkg_load']);
  assert.match(shown.stdout, /"cpus": ?\d+/, show(shown));
});

test('bash completion completes commands, their options and widget names', { skip }, async () => {
  const complete = async (...words) => {
    const script = `. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _mdash; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = await run('bash', ['-c', script, 'bash', R('usr/share/bash-completion/completions/mdash'), ...words], {
      env: { PATH: `${R('usr/bin')}:${process.env.PATH}`, MDASH_CONFIG: '' } });
    assert.equal(r.code, 0, show(r));
    return r.stdout.split('\n').filter(Boolean).sort();
  };
  const commands = names(/^\s*\{"([a-z-]+)", cmd_/gm, readFileSync(path.join(TOP, 'bin', 'mdash.c'), 'utf8')).sort();
  assert.deepEqual(await complete('mdash', ''), commands, 'every command of bin/mdash.c');
  assert.deepEqual(await complete('mdash', 'up'), ['update']);
  assert.deepEqual(await complete('mdash', 'update', '--'), ['--force', '--help', '--quiet', '--watch', '--widget']);
  assert.deepEqual(await complete('mdash', 'widget', ''), ['add', 'list', 'rm', 'set', 'show']);
  assert.deepEqual(await complete('mdash', 'user', ''), ['add', 'grant', 'list', 'passwd', 'revoke', 'rm']);
  // Names come from the database the settings name.
  await s.apply({ dashboards: [{ slug: 'pkgcomp', title: 'Completion', widgets: [
    { name: 'comp_alpha', type: 'number', source: { kind: 'push' } },
    { name: 'comp_beta', type: 'number', source: { kind: 'push' } }] }] });
  assert.deepEqual(await complete('mdash', '-c', conf, 'widget', 'show', 'comp_'), ['comp_alpha', 'comp_beta']);
  assert.deepEqual(await complete('mdash', '-c', conf, 'update', '--widget', 'comp_a'), ['comp_alpha']);
  assert.ok((await complete('mdash', '-c', conf, 'share', 'add', '')).includes('pkgcomp'), 'dashboard names');
  // Settings it cannot read: no names, and no error on the terminal.
  assert.deepEqual(await complete('mdash', '-c', path.join(tmp, 'nowhere.hdf'), 'widget', 'show', ''), []);
});

test('the packaged mdash check-config passes against a running stack', { skip }, async () => {
  const r = await checkConfig(conf);
  assert.equal(r.code, 0, show(r));
  const lines = r.stdout.trim().split('\n');
  for (const l of lines) assert.match(l, /^ok {3}\S/, show(r));
  const want = [/^ok {3}settings /, /^ok {3}database mdash on socket \S+mysqld\.sock as mdash$/, /^ok {3}schema: all \d+ migrations applied/,
    /^ok {3}templates: \d+ pages and \d+ widget types/, /^ok {3}publisher unix:\/\S+\/publish\.sock:\/pub\/_d_check \(HTTP 20\d\)$/,
    /^ok {3}plug-ins: /, /^ok {3}lock file /];
  for (const re of want) assert.ok(lines.some((l) => re.test(l)), `no line matching ${re}: ${show(r)}`);
});

test('check-config fails naming the database when the password is wrong', { skip }, async () => {
  const bad = path.join(tmp, 'bad-password.hdf');
  await writeSettings(bad, { 'Database.Password': 'not-the-password', TemplateDir: R('usr/share/mdash/templates'),
    SchemaDir: R('usr/share/mdash/schema'), PluginDir: await pluginDir(), LockFile: path.join(tmp, 'lock', 'update.lock') });
  const r = await checkConfig(bad);
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /^FAIL database mdash on socket \S+ as mdash: .*Access denied/m, show(r));
  assert.match(r.stdout, /^FAIL schema: /m, show(r));
  assert.match(r.stdout, /^ok {3}templates: /m, 'the other checks still run');

  const elsewhere = path.join(tmp, 'bad-dirs.hdf');
  await writeSettings(elsewhere, { TemplateDir: path.join(tmp, 'nowhere'), PublishURL: `${s.base}/nopub/` });
  const r2 = await checkConfig(elsewhere);
  assert.equal(r2.code, 1, show(r2));
  assert.match(r2.stdout, /^FAIL templates: TemplateDir \S+nowhere: /m, show(r2));
  assert.match(r2.stdout, /^FAIL publisher \S+\/nopub\/_d_check: HTTP 404/m, show(r2));
});

test('the packaged app serves pages behind the packaged nginx site', { skip }, async () => {
  const state = path.join(tmp, 'web');
  for (const d of ['log', 'tmp', 'run', 'cache']) await mkdir(path.join(state, d), { recursive: true });
  const sock = path.join(state, 'run', 'fcgi.sock');
  const pushSock = path.join(path.dirname(conf), 'push.sock');
  const pubSock = path.join(state, 'run', 'publish.sock');
  const shipped = readFileSync(R('etc/nginx/sites-available/mdash'), 'utf8');
  // The dev stack's nginx.conf around the site (nchan loaded, everything under state/).
  const me = spawnSync('sh', ['-c', 'echo "$(id -un) $(id -gn)"'], { encoding: 'utf8' }).stdout.trim();
  let main = readFileSync(path.join(TOP, 'nginx', 'dev-nginx.conf.in'), 'utf8');
  main = process.getuid() === 0 ? main.replace(/@USER@/g, me) : main.replace(/^user @USER@;$/m, '');
  main = main.replace(/@PID@/g, path.join(state, 'run', 'nginx.pid')).replace(/@STATE@/g, state);
  main = main.replace(/^[ \t]*@[A-Z_]+@[ \t]*$/gm, ''); // optional lines, empty as in dev/stack
  assert.doesNotMatch(main.replace(/^\s*#.*$/gm, ''), /@[A-Z_]+@/,
    'nginx/dev-nginx.conf.in has a placeholder this test does not fill');
  await writeFile(path.join(state, 'nginx.conf'), main);

  // The shipped site, moved to a free loopback port (another try if it was
  // taken meanwhile), this socket and the unpacked files.
  let ngx;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    base2 = `http://127.0.0.1:${port}`;
    let site = shipped;
    const edits = [[/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`], [/^\s*listen \[::\]:80;\n/m, ''],
      [/\/run\/mdash\/fcgi\.sock/g, sock], [/\/run\/mdash\/push\.sock/g, pushSock],
      [/\/run\/mdash\/publish\/nchan\.sock/g, pubSock],
      [/\/usr\/share\/mdash\//g, `${R('usr/share/mdash')}/`],
      [/\/var\/cache\/mdash\//g, `${path.join(state, 'cache')}/`],
      [/\/etc\/mdash\/fragment-key\.con\[f\]/g, path.join(s.dir, 'fragment-key.con[f]')],
      [/\/etc\/mdash\/proxies\.con\[f\]/g, path.join(s.dir, 'proxies.con[f]')],
      [/\/var\/log\/nginx\/access\.log/g, path.join(state, 'log', 'access.log')]];
    for (const [re, to] of edits) {
      assert.match(site, re, `the nginx site changed: ${re} not found`);
      site = site.replace(re, to);
    }
    await writeFile(path.join(state, 'mdash-site.conf'), site);
    ngx = await run('nginx', ['-p', state, '-c', path.join(state, 'nginx.conf'), '-e', path.join(state, 'log', 'error.log')]);
    if (ngx.code === 0 || !/in use/.test(ngx.stderr)) break;
  }
  assert.equal(ngx.code, 0, `nginx with the packaged site: ${show(ngx)}`);
  nginxPid = await waitFor(async () => Number((await readFile(path.join(state, 'run', 'nginx.pid'), 'utf8')).trim()),
    { message: 'nginx pid file' });

  // The app as mdash-fcgi.socket starts it: the listening socket as fd 3,
  // the push socket as fd 4, LISTEN_FDS=2 (spawn-fcgi's fd 0 where
  // systemd-socket-activate is missing; the app then binds App.PushSocket).
  const env = { ...process.env, MDASH_CONFIG: conf };
  const cmd = has('systemd-socket-activate')
    ? ['systemd-socket-activate', ['-l', sock, '-l', pushSock, `--setenv=MDASH_CONFIG=${conf}`,
      R('usr/libexec/mdash/mdash.fcgi')]]
    : ['spawn-fcgi', ['-n', '-s', sock, '-M', '0660', '--', R('usr/libexec/mdash/mdash.fcgi')]];
  let appLog = '';
  app = spawn(cmd[0], cmd[1], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  app.stdout.on('data', (d) => { appLog += d; });
  app.stderr.on('data', (d) => { appLog += d; });
  await waitFor(() => existsSync(sock), { message: `the app's socket ${sock}` });

  const health = await waitFor(async () => {
    const res = await fetch(`${base2}/healthz`);
    return res.status === 200 ? res : null;
  }, { ms: 15000, message: () => `GET /healthz through the packaged site (app log: ${appLog})` });
  assert.equal(health.status, 200);

  await s.apply({ dashboards: [{ slug: 'pkg', title: 'Packaged', widgets: [
    { name: 'pkg_count', type: 'number', title: 'Count', source: { kind: 'push' } }] }] });
  // A push through the packaged site: nginx passes it to the push socket.
  const token = (await s.mdash(['token', 'add', 'pkg'])).stdout.trim().split('\n').pop();
  const pushed = await fetch(`${base2}/widgets/pkg_count`, { method: 'POST', body: JSON.stringify({ auth_token: token, current: 1234 }) });
  assert.equal(pushed.status, 204, `a push through the packaged site: ${await pushed.text()} (app log: ${appLog})`);
  const pageRes = await fetch(`${base2}/d/pkg`);
  const html = await pageRes.text();
  assert.equal(pageRes.status, 200, html.slice(0, 2000));
  assert.match(html, /data-widget="pkg_count"/);
  assert.match(html, /1,?234/);

  // A page's fragment fetch with a pass: nginx's cache serves the second.
  const dash = await (await fetch(`${base2}/api/dashboards/pkg`)).json();
  const w = dash.widgets.find((x) => x.name === 'pkg_count');
  assert.match(w.pass || '', /^d=pkg&e=\d+&p=/, 'a pass in the dashboard\'s JSON');
  const copies = [];
  for (let i = 0; i < 2; i++) {
    const f = await fetch(`${base2}/widget/pkg_count?v=${w.version}&${w.pass}`);
    assert.equal(f.status, 200);
    assert.match(await f.text(), /1,?234/);
    copies.push(f.headers.get('x-fragment-cache'));
  }
  assert.deepEqual(copies, ['MISS', 'HIT'], 'fragments through the packaged site\'s cache');

  // A logged-in user's page: the login gives a page pass, and nginx keeps
  // the page (a copy lives to the end of its second: one load may miss).
  const u = await s.mdash(['user', 'add', 'pkguser'], { input: 'pkg-password-1\n' });
  assert.equal(u.code, 0, show(u));
  const l = await fetch(`${base2}/login`, { method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'username=pkguser&password=pkg-password-1' });
  assert.equal(l.status, 302, await l.text());
  const cookies = l.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  assert.match(cookies, /mdash_page=\d+\./, 'a page pass from the login');
  const kept = [];
  for (let i = 0; i < 3; i++) {
    const p = await fetch(`${base2}/d/pkg`, { headers: { Cookie: cookies } });
    assert.match(await p.text(), /<span class="user">pkguser<\/span>/);
    kept.push(p.headers.get('x-page-cache'));
  }
  assert.equal(kept[0], 'MISS');
  assert.ok(kept.includes('HIT'), `pages through the packaged site's cache: ${kept}`);

  const css = await fetch(`${base2}/static/mdash.css`);
  assert.equal(css.status, 200);
  assert.equal(await css.text(), readFileSync(R('usr/share/mdash/static/mdash.css'), 'utf8'));

  // The publisher answers on its socket, and the page's stream carries it.
  const stream = await sse(`${base2}/sub/d/pkg`, { headers: { Origin: base2 } });
  try {
    assert.equal(stream.status, 200, 'the push stream through the packaged site (same origin)');
    const cfg2 = path.join(tmp, 'publish-here.hdf');
    await writeSettings(cfg2, { PublishURL: `unix:${pubSock}:/pub/` });
    const p = await run(R('usr/bin/mdash'), ['-c', cfg2, 'push', 'pkg_count', '{"current": 99}']);
    assert.equal(p.code, 0, show(p));
    await stream.next((m) => m && m.widget === 'pkg_count');
  } finally {
    stream.close();
  }
  const foreign = await fetch(`${base2}/sub/d/pkg`, { headers: { Origin: 'http://elsewhere.example' } });
  assert.equal(foreign.status, 403, 'a push stream for another origin');
  await foreign.body?.cancel();
});

/** The tree copied again, with one migration more and a later version: the
 * package an upgrade brings. Returns its .deb files (mdash, mdash-dev). */
async function buildNext() {
  const src = path.join(tmp, 'next', 'mdash');
  await mkdir(src, { recursive: true });
  const copy = await run('sh', ['-c', 'tar -C "$1" --null -T "$2" -cf - | tar -C "$3" -xf -', 'sh',
    TOP, path.join(tmp, 'files'), src]);
  assert.equal(copy.code, 0, show(copy));
  const last = (await readdir(path.join(src, 'schema'))).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort().pop();
  const version = Number(last.slice(0, 3)) + 1;
  const name = `${String(version).padStart(3, '0')}_upgrade_probe.sql`;
  await writeFile(path.join(src, 'schema', name), '-- SPDX-License-Identifier: MIT\n' +
    '-- The package test\'s migration: a column, and every row changed.\n' +
    'ALTER TABLE dashboards ADD COLUMN upgrade_note VARCHAR(100) NULL;\n' +
    "UPDATE dashboards SET upgrade_note = CONCAT('migrated ', slug);\n");
  const edits = [
    ['Makefile.am', /(dist_pkgdata_schema_DATA = [^]*?schema\/\d{3}_\w+\.sql)\n(?!\t)/, `$1 schema/${name}\n`],
    ['lib/schema.h', /#define MDASH_SCHEMA_VERSION \d+/, `#define MDASH_SCHEMA_VERSION ${version}`],
    ['debian/changelog', /^mdash \(([^)]+)\)/, 'mdash ($1+next1)'],
  ];
  for (const [file, re, to] of edits) {
    const text = await readFile(path.join(src, file), 'utf8');
    assert.match(text, re, `${file} changed: the upgrade test cannot make the next version`);
    await writeFile(path.join(src, file), file === 'debian/changelog'
      ? `${text.split('\n')[0].replace(re, to)}\n\n  * The package test's next version.\n\n -- mdash developers <mdash@example.org>  Sun, 29 Nov 2026 18:00:00 +0000\n\n${text}`
      : text.replace(re, to));
  }
  const [cmd, args] = offline ? ['unshare', ['-n', 'dpkg-buildpackage', '-us', '-uc', '-b']] : ['dpkg-buildpackage', ['-us', '-uc', '-b']];
  const b = await run(cmd, args, { cwd: src, timeout: 600000, env: { DEB_BUILD_OPTIONS: 'nocheck parallel=2' } });
  assert.equal(b.code, 0, `the next version's build: ${`${b.stdout}${b.stderr}`.split('\n').slice(-40).join('\n')}`);
  const debs = (await readdir(path.join(tmp, 'next'))).filter((f) => /^mdash(-dev)?_.*\+next1_.*\.deb$/.test(f));
  assert.equal(debs.length, 2, `next: ${debs}`);
  await rm(src, { recursive: true, force: true });
  return { version, name, debs: debs.map((f) => path.join(tmp, 'next', f)) };
}

/** A bash script run inside the booted copy; resolves its output, asserting exit 0. */
async function inSysroot(dir, script, what) {
  // (Lines lose their indent, so that here-documents end where they should.)
  const r = await run(SYSROOT, ['run', dir, 'bash', '-euo', 'pipefail', '-s'],
    { input: script.replace(/^[ \t]+/gm, ''), timeout: 300000 });
  assert.equal(r.code, 0, `${what}: ${show(r)}`);
  return r.stdout;
}

test('installed under systemd: an upgrade keeps the data, migrates it, and the hardened units run', {
  skip: skip || (sysrootCheck.status !== 0 && `no booted copy of this machine: ${sysrootCheck.stderr.trim()}`),
  timeout: 900000,
}, async () => {
  const next = await buildNext();
  const dir = path.join(tmp, 'sysroot');
  const boot = await run(SYSROOT, ['boot', dir], { timeout: 120000 });
  assert.equal(boot.code, 0, `booting a copy of this machine with systemd: ${show(boot)}`);
  try {
    // The version before, installed and set up as the README says, with data.
    const setup = await inSysroot(dir, `
      export DEBIAN_FRONTEND=noninteractive
      # A policy that forbids starting services (installs on this machine
      # may leave one for a while) would keep dpkg from restarting ours.
      rm -f /usr/sbin/policy-rc.d
      dpkg -i '${deb}' 2>&1
      systemctl start mariadb
      mariadb -e "CREATE DATABASE mdash CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER 'mdash'@'localhost' IDENTIFIED BY 'pkg-test-password';
        GRANT ALL ON mdash.* TO 'mdash'@'localhost';"
      sed -i 's/^Database.Password =.*/Database.Password = pkg-test-password/' /etc/mdash/mdash.hdf
      mdash migrate
      echo 'upgrade-password-1' | mdash user add admin --admin
      cat >/tmp/upg.json <<'JSON'
      {"dashboards": [{"slug": "upg", "title": "Upgrade", "widgets": [
        {"name": "upg_count", "type": "number", "source": {"kind": "push"}},
        {"name": "upg_load", "type": "sysload", "interval": 1},
        {"name": "upg_flaky", "type": "number", "interval": 1,
         "source": {"kind": "http", "url": "http://127.0.0.1:9/none.json", "pointer": "/n"}}]}]}
      JSON
      mdash apply /tmp/upg.json
      ln -s /etc/nginx/sites-available/mdash /etc/nginx/sites-enabled/mdash
      rm -f /etc/nginx/sites-enabled/default
      systemctl restart nginx
      systemctl enable --now mdash-fcgi.socket mdash-update.timer 2>&1
      mdash push upg_count '{"current": 1234}'
      curl -fsS http://127.0.0.1/healthz; echo
      readlink /proc/$(systemctl show -p MainPID --value mdash-fcgi.service)/exe || echo 'app not started yet'
      echo "schema $(mariadb -N -e 'SELECT MAX(version) FROM mdash.schema_migrations')"
    `, 'installing and setting up the version before');
    assert.match(setup, new RegExp(`^schema ${next.version - 1}$`, 'm'), setup);

    // The upgrade: both packages of the next version.
    const upgrade = await inSysroot(dir, `
      export DEBIAN_FRONTEND=noninteractive
      dpkg -i ${next.debs.map((d) => `'${d}'`).join(' ')} 2>&1
    `, 'the upgrade');
    assert.match(upgrade, new RegExp(`^mdash: Applied ${next.name}$`, 'm'), `the postinst runs the migration: ${upgrade}`);

    const after = await inSysroot(dir, `
      q() { mariadb -N -e "$1"; }
      echo "schema $(q 'SELECT MAX(version) FROM mdash.schema_migrations')"
      echo "note $(q "SELECT upgrade_note FROM mdash.dashboards WHERE slug = 'upg'")"
      mdash widget show upg_count | grep '^data'
      for u in mdash-fcgi.socket mdash-update.timer nginx; do echo "$u $(systemctl is-active $u)"; done
      # A page through nginx: the app the socket starts is the new one.
      curl -fsS -c /tmp/jar -o /dev/null -d 'username=admin&password=upgrade-password-1' http://127.0.0.1/login
      curl -fsS -b /tmp/jar http://127.0.0.1/d/upg | grep -o 'data-widget="upg_count"' | head -1
      curl -fsS -b /tmp/jar http://127.0.0.1/d/upg | grep -c '1,234' | sed 's/^/value shown /'
      # The app runs the new version: its program is not the replaced file.
      pid=$(systemctl show -p MainPID --value mdash-fcgi.service)
      echo "app exe $(readlink /proc/$pid/exe)"
      grep -E '^(Seccomp|NoNewPrivs):' /proc/$pid/status
      echo "app user $(stat -c %U /proc/$pid)"
      systemctl show -p ProtectProc -p ProcSubset -p RemoveIPC mdash-fcgi.service mdash-update.service
      # One pass of the updater under its sandbox: the plug-in reads the
      # load, the flaky source fails, and the unit still succeeds.
      systemctl start mdash-update.service || true
      systemctl show -p Result -p ExecMainStatus mdash-update.service
      mdash widget show upg_load | grep '^data'
      mdash widget show upg_flaky | grep -i '^error' || true
      # For intervals under a minute: the watch service, which stops the timer.
      systemctl start mdash-update-watch.service
      sleep 3
      echo "watch $(systemctl is-active mdash-update-watch.service) timer $(systemctl is-active mdash-update.timer)"
      wpid=$(systemctl show -p MainPID --value mdash-update-watch.service)
      grep -E '^Seccomp:' /proc/$wpid/status | sed 's/^/watch /'
      systemctl start mdash-update.timer
      sleep 1
      echo "then watch $(systemctl is-active mdash-update-watch.service || true) timer $(systemctl is-active mdash-update.timer)"
      echo "failed units: $(systemctl list-units --failed --plain --no-legend 'mdash*' | wc -l)"
      journalctl --no-pager -u mdash-fcgi.service -u mdash-fcgi.socket | tail -n 15
      # mdash-dev: the example builds against the installed header.
      cp -r /usr/share/doc/mdash-dev/examples /tmp/example
      make -C /tmp/example >/dev/null && echo "example built $(ls /tmp/example/md_sysload.so)"
    `, 'after the upgrade');
    const want = [
      new RegExp(`^schema ${next.version}$`), /^note migrated upg$/, /^data\t.*"current": ?1234/,
      /^mdash-fcgi\.socket active$/, /^mdash-update\.timer active$/, /^nginx active$/,
      /^data-widget="upg_count"$/, /^value shown [1-9]/,
      /^app exe \S*\/usr\/libexec\/mdash\/mdash\.fcgi$/, /^Seccomp:\s+2$/, /^NoNewPrivs:\s+1$/, /^app user mdash$/,
      /^ProtectProc=invisible$/, /^ProcSubset=pid$/, /^RemoveIPC=yes$/,
      /^Result=success$/, /^ExecMainStatus=3$/, /^data\t.*"cpus": ?\d+/,
      /^watch active timer inactive$/, /^watch Seccomp:\s+2$/, /^then watch inactive timer active$/,
      /^failed units: 0$/, /^example built \/tmp\/example\/md_sysload\.so$/,
    ];
    const lines = after.split('\n');
    for (const re of want) {
      assert.ok(lines.some((l) => re.test(l)), `no line matching ${re} after the upgrade:\n${after}\n--- the upgrade:\n${upgrade}`);
    }
  } finally {
    const logs = await run(SYSROOT, ['run', dir, 'journalctl', '--no-pager', '-n', '60', '-u', 'mdash*']).catch(() => null);
    if (logs && process.env.MDASH_TEST_KEEP) process.stderr.write(logs.stdout);
    await run(SYSROOT, ['stop', dir]);
  }
});
