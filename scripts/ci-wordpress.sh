#!/usr/bin/env bash
# ci-wordpress.sh: called by .ci/run before the tests. Starts the real
# WordPress of scripts/wordpress-up.sh for the integration tests
# (adapters/wordpress/real_test.go, adapters/wordpress/wordpresstest/real_test.go)
# and writes its facts to /tmp/opsbot-wp.env, which .ci/run sources.
#
# Tolerant by design: when the peer cannot be started (not root, no apt, a
# package that fails), it says why, removes the facts file, and exits 0, so
# that the tests report "real WordPress not available" as skipped instead of
# failing the run on an infrastructure problem.
set -uo pipefail
cd "$(dirname "$0")/.."
env_file=${OPSBOT_WP_ENV:-/tmp/opsbot-wp.env}
state=${OPSBOT_WP_STATE:-/var/lib/opsbot-wp}

if [ "$(id -u)" != 0 ]; then
  echo "ci-wordpress: not root, no real WordPress: its tests will be skipped"
  rm -f "$env_file"
  exit 0
fi
start=$(date +%s)
if timeout 900 scripts/wordpress-up.sh; then
  echo "ci-wordpress: real WordPress up in $(( $(date +%s) - start ))s"
  exit 0
fi
echo "ci-wordpress: scripts/wordpress-up.sh failed; the real-WordPress tests will be skipped"
[ -f "$state/php.log" ] && tail -n 20 "$state/php.log"
rm -f "$env_file"
exit 0
