# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# dev/lib.sh: helpers shared by dev/up, dev/test and dev/stack. Source it, don't run it.
#
# Sets MDASH_SRC (the repo top) and MDASH_BUILD (where autotools builds; the
# source dir unless the environment says otherwise), both absolute.

MDASH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MDASH_BUILD=$(mkdir -p "${MDASH_BUILD:-$MDASH_SRC}" && cd "${MDASH_BUILD:-$MDASH_SRC}" && pwd)
export MDASH_SRC MDASH_BUILD

say() { printf 'mdash: %s\n' "$*" >&2; }
die() { say "$@"; exit 1; }

# Debian packages the stack builds and runs with (dev/test adds chromium).
MDASH_PACKAGES=(nginx libnginx-mod-nchan mariadb-server mariadb-client libmariadb-dev
    libfcgi-dev spawn-fcgi clearsilver-dev libjson-c-dev libcurl4-openssl-dev libssl-dev
    libcrypt-dev zlib1g-dev autoconf automake pkg-config check make gcc curl nodejs npm)

# ensure_packages [EXTRA...]: install whatever is missing, in one apt-get run.
ensure_packages() {
    local p missing=()
    for p in "${MDASH_PACKAGES[@]}" "$@"; do
        # A Node.js from another source (e.g. one that bundles npm) conflicts with
        # Debian's npm package: a working command is good enough.
        case $p in
            nodejs) command -v node >/dev/null && continue ;;
            npm) command -v npm >/dev/null && continue ;;
        esac
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "missing Debian packages (install them as root): ${missing[*]}"
    say "installing ${missing[*]}"

    # Debian's postinst scripts would start the system MariaDB and nginx (ports
    # 3306 and 80) on a machine without a policy-rc.d; forbid that during the install.
    local policy=/usr/sbin/policy-rc.d made_policy='' rc=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    { apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    } </dev/null || rc=$?
    [ -z "$made_policy" ] || rm -f "$policy"
    [ "$rc" = 0 ] || die "apt-get failed (status $rc) installing: ${missing[*]}"
}

# build: autoreconf/configure when needed, then make; quiet unless it fails.
build() {
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/mdash-build.XXXXXX")
    say "building in $MDASH_BUILD"
    if ! build_steps >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        die "build failed (full log: $log)"
    fi
    rm -f "$log"
}

# Explicit "|| return": set -e does not apply inside a function run as an if-condition.
build_steps() {
    local flags=()
    read -ra flags <<<"${MDASH_CONFIGURE_FLAGS:-}"
    if [ ! -x "$MDASH_SRC/configure" ] || [ "$MDASH_SRC/configure.ac" -nt "$MDASH_SRC/configure" ]; then
        (cd "$MDASH_SRC" && autoreconf -fi) || return
    fi
    if [ ! -f "$MDASH_BUILD/Makefile" ]; then
        (cd "$MDASH_BUILD" && "$MDASH_SRC/configure" "${flags[@]}") || return
    fi
    make -C "$MDASH_BUILD" -j2
}

# node_modules as package-lock.json pins it (playwright-core for the tests
# and dev/screenshot, gridstack to compare against static/vendor/): `npm ci`
# when it is missing or older than the lock file. The build needs none of it.
ensure_node_modules() {
    [ -d "$MDASH_SRC/node_modules" ] && [ ! "$MDASH_SRC/package-lock.json" -nt "$MDASH_SRC/node_modules" ] && return 0
    (cd "$MDASH_SRC" && npm ci --no-audit --no-fund) || return
    touch "$MDASH_SRC/node_modules" # npm ci may keep an old mtime
}

# The grid library the pages load (never from a CDN) is committed: its dist
# files in static/vendor/, which nginx serves, and the unminified modules
# gridstack-all.js is bundled from in debian/missing-sources/, both copied
# from the package pinned in package-lock.json. After changing the pin:
#   bash -c '. dev/lib.sh; vendor_refresh' && git add static/vendor debian/missing-sources
# tests/integration/vendor.test.mjs fails while the copies differ from the pin.
MDASH_VENDOR=(gridstack-all.js gridstack-all.js.LICENSE.txt gridstack.min.css)
vendor_refresh() {
    local f gs=$MDASH_SRC/node_modules/gridstack missing=$MDASH_SRC/debian/missing-sources/gridstack-all.js
    ensure_node_modules || return
    for f in "${MDASH_VENDOR[@]}"; do cp "$gs/dist/$f" "$MDASH_SRC/static/vendor/$f" || return; done
    cp "$gs/LICENSE" "$MDASH_SRC/static/vendor/gridstack-LICENSE" || return
    rm -rf "$missing" && mkdir -p "$missing" || return
    for f in "$gs"/dist/*.js; do
        [ "${f##*/}" = gridstack-all.js ] || cp "$f" "$missing/" || return
    done
}

# pid_alive PIDFILE: print the pid if the file names a live process.
pid_alive() {
    local pid
    [ -s "$1" ] && read -r pid <"$1" && [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# service_pid DIR NAME: the pid of service NAME if DIR/run/NAME.pid names it
# and it runs. Its command line must match too, so that a stale pid file whose
# number was reused by another program is never taken for ours, nor signalled.
service_pid() {
    local pid pat
    case $2 in
        mariadb) pat=mariadbd ;; nginx) pat=nginx ;; fcgi) pat=mdash.fcgi ;;
        updater) pat='mdash update' ;; demo) pat=demo-feed ;; *) pat=$2 ;;
    esac
    pid=$(pid_alive "$1/run/$2.pid") || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pat" || return 1
    echo "$pid"
}

# start_service DIR NAME LOG CMD...: CMD in the background as service NAME of
# the stack in DIR (pid in DIR/run/NAME.pid, so `dev/stack down DIR` stops
# it), unless it runs already. setsid keeps a terminal's Ctrl-C away from
# it: whoever started the stack stops it in order.
start_service() {
    local dir=$1 name=$2 log=$3
    shift 3
    service_pid "$dir" "$name" >/dev/null && return 0
    setsid "$@" </dev/null >>"$log" 2>&1 &
    echo $! >"$dir/run/$name.pid"
}

# demo_seed DIR CLI: the demo dashboard (dev/demo.json) in the running stack
# of DIR (MDASH_CONFIG and MDASH_PORT name it), and a push token for its
# feed in DIR/demo-token. Safe to repeat.
demo_seed() {
    local dir=$1 cli=$2
    # The widgets poll this very nginx, so the port goes in the file.
    sed "s/@PORT@/$MDASH_PORT/g" "$MDASH_SRC/dev/demo.json" >"$dir/demo.json" || return
    # A demo seeded by an older dev/up had a load meter where the memory
    # meter now sits; apply never deletes, so it goes here.
    if "$cli" widget list | awk -F '\t' '$1 == "load" && $3 == "demo" {found = 1} END {exit !found}'; then
        "$cli" widget rm load >/dev/null || return
    fi
    "$cli" apply "$dir/demo.json" >/dev/null || return
    if [ ! -s "$dir/demo-token" ]; then
        (umask 077 && "$cli" token add demo | tail -n 1 >"$dir/demo-token.tmp") || return
        mv "$dir/demo-token.tmp" "$dir/demo-token"
    fi
}

# demo_start DIR CLI: the demo's feed and the updater (--watch) as services
# of the stack in DIR.
demo_start() {
    start_service "$1" demo "$1/log/demo.log" bash "$MDASH_SRC/dev/demo-feed" "$1"
    start_service "$1" updater "$1/log/updater.log" "$2" update --watch
}
