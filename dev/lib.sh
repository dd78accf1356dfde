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
    make -C "$MDASH_BUILD" -j2 || return
    vendor_steps
}

# Front-end files the pages load, copied from node_modules (never a CDN) into
# static/vendor/, which nginx serves: gridstack for the layout editor.
# `npm ci` first when node_modules is missing or older than the lock file.
MDASH_VENDOR=(gridstack/dist/gridstack-all.js gridstack/dist/gridstack-all.js.LICENSE.txt
    gridstack/dist/gridstack.min.css)
vendor_steps() {
    local f dest=$MDASH_SRC/static/vendor
    if [ ! -d "$MDASH_SRC/node_modules" ] || [ "$MDASH_SRC/package-lock.json" -nt "$MDASH_SRC/node_modules" ]; then
        (cd "$MDASH_SRC" && npm ci --no-audit --no-fund) || return
        touch "$MDASH_SRC/node_modules" # npm ci may keep an old mtime
    fi
    mkdir -p "$dest" || return
    for f in "${MDASH_VENDOR[@]}"; do
        [ -f "$MDASH_SRC/node_modules/$f" ] || { echo "node_modules/$f is missing (npm ci)"; return 1; }
        cmp -s "$MDASH_SRC/node_modules/$f" "$dest/${f##*/}" || cp "$MDASH_SRC/node_modules/$f" "$dest/" || return
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
