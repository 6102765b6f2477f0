#!/usr/bin/env bash
# ci-wordpress.sh: called by .ci/run before the tests. Starts the real
# WordPress of scripts/wordpress-up.sh for the integration tests
# (adapters/wordpress/real_test.go, adapters/wordpress/wordpresstest/real_test.go)
# and writes its facts to /tmp/opsbot-wp.env, which .ci/run sources.
#
# Only a setup that cannot run here is skipped (exit 0, the facts file
# removed, the reason printed): not root, or Debian's packages cannot be
# installed (wordpress-up.sh exits 3). Any other failure of a WordPress whose
# packages are there fails CI (exit 1): it is ours to fix.
set -uo pipefail
cd "$(dirname "$0")/.."
env_file=${OPSBOT_WP_ENV:-/tmp/opsbot-wp.env}
state=${OPSBOT_WP_STATE:-/var/lib/opsbot-wp}

if [ "$(id -u)" != 0 ]; then
  echo "ci-wordpress: SKIPPED: not root (it installs packages): the real-WordPress tests are skipped"
  rm -f "$env_file"
  exit 0
fi
start=$(date +%s)
timeout 900 scripts/wordpress-up.sh
rc=$?
case $rc in
0) echo "ci-wordpress: real WordPress up in $(( $(date +%s) - start ))s"; exit 0 ;;
3) echo "ci-wordpress: SKIPPED: Debian's wordpress packages cannot be installed: the real-WordPress tests are skipped"
   rm -f "$env_file"; exit 0 ;;
esac
echo "ci-wordpress: FAILED: scripts/wordpress-up.sh exited $rc"
[ -f "$state/php.log" ] && tail -n 20 "$state/php.log"
rm -f "$env_file"
exit 1
