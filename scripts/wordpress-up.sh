#!/usr/bin/env bash
# wordpress-up.sh: start a real WordPress on 127.0.0.1 for the integration
# test of adapters/wordpress (real_test.go). Debian 12, as root.
#
# It installs Debian's packages (wordpress, mariadb-server, php-cli), starts
# MariaDB, creates the database, installs WordPress with pretty permalinks,
# seeds users with several roles and application passwords, serves the site
# with PHP's built-in server (WP_ENVIRONMENT_TYPE=local, so application
# passwords work over plain HTTP), and writes the connection facts to
# $OPSBOT_WP_ENV (default /tmp/opsbot-wp.env) as shell assignments:
# OPSBOT_WP_URL, OPSBOT_WP_USER, OPSBOT_WP_APP_PASSWORD, and the editor's.
#
# Idempotent: every step checks first; a second run resets the seed users'
# roles and replaces the application passwords. About one minute the first
# time (the packages), a few seconds after.
#
# Environment: OPSBOT_WP_PORT (default 8089), OPSBOT_WP_ENV (the facts file),
# OPSBOT_WP_STATE (default /var/lib/opsbot-wp: pid, log, router).
#
# To stop it: kill -- -"$(cat /var/lib/opsbot-wp/php.pid)" (the server's
# process group: its workers outlive their parent), then service mariadb stop.
set -euo pipefail

port=${OPSBOT_WP_PORT:-8089}
env_file=${OPSBOT_WP_ENV:-/tmp/opsbot-wp.env}
state=${OPSBOT_WP_STATE:-/var/lib/opsbot-wp}
here=$(cd "$(dirname "$0")" && pwd)
url="http://127.0.0.1:$port"
db=opsbot_wp
config=/etc/wordpress/config-127.0.0.1.php

say() { echo "wordpress-up: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts MariaDB)"

# 1. Packages. Services must not start on their own at install time: we start
# MariaDB ourselves and serve WordPress with php -S, never with Apache.
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
if ! installed wordpress || ! installed mariadb-server || ! installed php-cli; then
  say "installing wordpress mariadb-server php-cli"
  export DEBIAN_FRONTEND=noninteractive
  policy_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
  fi
  # Exit 3: the packages cannot be had here (ci-wordpress.sh then skips).
  command -v apt-get >/dev/null || { say "no apt-get: cannot install wordpress"; exit 3; }
  apt-get update -q >/dev/null || { say "apt-get update failed"; exit 3; }
  apt-get install -y -q wordpress mariadb-server php-cli >/dev/null || { say "apt-get install wordpress mariadb-server php-cli failed"; exit 3; }
  [ -n "$policy_added" ] && rm -f /usr/sbin/policy-rc.d
fi

# 2. MariaDB.
if ! mysqladmin --silent ping >/dev/null 2>&1; then
  say "starting mariadb"
  if command -v service >/dev/null && service mariadb start >/dev/null 2>&1; then :; else
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    (setsid mysqld_safe >/dev/null 2>&1 </dev/null &)
  fi
  for _ in $(seq 1 60); do mysqladmin --silent ping >/dev/null 2>&1 && break; sleep 0.5; done
  mysqladmin --silent ping >/dev/null 2>&1 || die "mariadb did not start"
fi

# 3. Database, its user and WordPress's config. The DB password is drawn
# once and kept in the config file (root-only), so reruns change nothing.
install -d -m 0700 "$state"
if [ -f "$config" ] && grep -q "OPSBOT_WP" "$config"; then
  dbpass=$(sed -n "s/^define('DB_PASSWORD', '\([^']*\)');.*/\1/p" "$config")
else
  dbpass=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  keys=$(for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
    echo "define('$k', '$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')');"; done)
  umask 077
  cat >"$config" <<PHP
<?php
// OPSBOT_WP: written by scripts/wordpress-up.sh for the opsbot integration test (loopback only).
define('DB_NAME', '$db');
define('DB_USER', '$db');
define('DB_PASSWORD', '$dbpass');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
$keys
define('WP_HOME', '$url');
define('WP_SITEURL', '$url');
// Application passwords need HTTPS or a local environment; php -S also gets
// WP_ENVIRONMENT_TYPE=local in its environment.
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_DEBUG', false);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
PHP
  umask 022
  chmod 0640 "$config"; chgrp www-data "$config" 2>/dev/null || true
fi
[ -n "$dbpass" ] || die "no DB password in $config"
mariadb -u root <<SQL
CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$db'@'localhost' IDENTIFIED BY '$dbpass';
ALTER USER '$db'@'localhost' IDENTIFIED BY '$dbpass';
GRANT ALL PRIVILEGES ON $db.* TO '$db'@'localhost';
FLUSH PRIVILEGES;
SQL
install -d -m 0755 /var/lib/wordpress/wp-content

# 4. Install and seed (PHP against wp-load.php; wp-cli is not in Debian 12).
admin_pw_file="$state/admin-password"
if [ ! -s "$admin_pw_file" ]; then
  (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$admin_pw_file")
fi
admin_pw=$(cat "$admin_pw_file")
cp "$here/wordpress/router.php" "$here/wordpress/setup.php" "$state/"
export WP_ENVIRONMENT_TYPE=local
php "$state/setup.php" install "$url" "$admin_pw"

# 5. Serve: PHP's built-in server with a few workers, so that the client's
# overlapping page requests really overlap.
answers() { curl -fsS -o /dev/null --max-time 5 "$url/wp-json/" 2>/dev/null; }
if ! answers; then
  # A server that stopped answering: end its process group (the built-in
  # server's workers outlive their parent and keep the port).
  if [ -f "$state/php.pid" ] && kill -0 -- "-$(cat "$state/php.pid")" 2>/dev/null; then
    kill -- "-$(cat "$state/php.pid")" || true
    sleep 1
  fi
  say "serving $url"
  (
    cd /usr/share/wordpress
    PHP_CLI_SERVER_WORKERS=4 WP_ENVIRONMENT_TYPE=local \
      setsid php -S "127.0.0.1:$port" -t /usr/share/wordpress "$state/router.php" \
      >>"$state/php.log" 2>&1 </dev/null &
    echo $! >"$state/php.pid" # setsid execs php: its pid is the new group's id
  )
  for _ in $(seq 1 40); do answers && break; sleep 0.25; done
  answers || die "WordPress does not answer on $url (see $state/php.log)"
fi

# 6. Users, roles, application passwords; the facts file last, so that its
# presence means the site is ready.
facts=$(php "$state/setup.php" seed "$url" "$admin_pw")
(umask 077; printf '%s\n' "$facts" >"$env_file.tmp" && mv "$env_file.tmp" "$env_file")

# 7. Prove it: the application password works over HTTP.
set -a; . "$env_file"; set +a
code=$(curl -sS -o /dev/null -w '%{http_code}' -u "$OPSBOT_WP_USER:$OPSBOT_WP_APP_PASSWORD" "$url/wp-json/wp/v2/users/me?context=edit")
[ "$code" = 200 ] || die "users/me with the application password answered $code"
say "WordPress $OPSBOT_WP_VERSION ready on $url; facts in $env_file"
