#!/usr/bin/env bash
# Installs what test/e2e needs (nginx, curl, openssl, iproute2, iptables) from Debian's packages,
# only those that are missing. Idempotent; needs root to install.
set -euo pipefail

declare -A command_of_package=(
  [nginx]=/usr/sbin/nginx
  [curl]=/usr/bin/curl
  [openssl]=/usr/bin/openssl
  [iproute2]=/usr/sbin/ip
  [iptables]=/usr/sbin/iptables
)

missing=()
for package in "${!command_of_package[@]}"; do
  [[ -x "${command_of_package[$package]}" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "e2e deps: all present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "e2e deps: missing ${missing[*]}; run this script as root" >&2
  exit 1
fi

echo "e2e deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

# The test runs its own nginx in a network namespace; the package must not start one on the
# host's port 80. A policy-rc.d that denies every start does that; an existing one is kept.
policy_rc=/usr/sbin/policy-rc.d
own_policy_rc=false
if [[ ! -e $policy_rc ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
  chmod +x "$policy_rc"
  own_policy_rc=true
fi
trap 'if $own_policy_rc; then rm -f "$policy_rc"; fi' EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# An existing policy-rc.d may allow starts: stop the nginx this install started, if any.
if [[ " ${missing[*]} " == *" nginx "* ]] && [[ -s /run/nginx.pid ]] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
  /usr/sbin/nginx -s stop
fi
echo "e2e deps: installed ${missing[*]}"
