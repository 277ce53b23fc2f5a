#!/usr/bin/env bash
# Installs the real coding agents the agent tests run against, once, into a cache outside the repository: they are
# never dependencies of pocket (together about 1.1 GB of CLI binaries), so `npm ci` stays lean. Idempotent: when
# the pinned versions are already there it only says so. Tests find the cache the same way:
#   POCKET_AGENTS_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/pocket-agents
set -euo pipefail

CACHE="${POCKET_AGENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pocket-agents}"
# Pinned: the versions the backends were built and tested against (codex app-server's protocol, the SDK's messages).
PACKAGES=(
  "@openai/codex@0.171.0"
  "@anthropic-ai/claude-code@2.1.197"
  "@anthropic-ai/claude-agent-sdk@0.3.332"
)

installed_version() {
  local manifest="$CACHE/node_modules/$1/package.json"
  [ -f "$manifest" ] && node -e 'process.stdout.write(require(process.argv[1]).version)' "$manifest" || true
}

missing=()
for spec in "${PACKAGES[@]}"; do
  name="${spec%@*}"
  want="${spec##*@}"
  have="$(installed_version "$name")"
  if [ "$have" != "$want" ]; then missing+=("$spec"); fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-agents: ${PACKAGES[*]} already in $CACHE"
  exit 0
fi

echo "install-agents: installing ${missing[*]} into $CACHE"
mkdir -p "$CACHE"
[ -f "$CACHE/package.json" ] || printf '{ "name": "pocket-agents", "private": true }\n' >"$CACHE/package.json"
npm install --prefix "$CACHE" --no-audit --no-fund --save-exact "${missing[@]}"
for spec in "${PACKAGES[@]}"; do
  name="${spec%@*}"
  if [ "$(installed_version "$name")" != "${spec##*@}" ]; then
    echo "install-agents: $spec did not install into $CACHE" >&2
    exit 1
  fi
done
echo "install-agents: done"
