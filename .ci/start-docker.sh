#!/usr/bin/env bash
# Makes Docker usable for the container tests on a machine that reaches no registry:
#   1. starts dockerd in the background unless a daemon already answers, without iptables
#      (the sandbox forbids it; containers therefore run with host networking only);
#   2. builds the local base image oss-media/node-base:20 from this machine's own node binary and
#      the shared libraries it links, since no official Node image can be pulled.
# Installs nothing: .ci/install-system.sh provides docker.io.
set -euo pipefail

BASE_IMAGE="${MOCK_OSS_BASE_IMAGE:-oss-media/node-base:20}"
LOG_DIR="${DOCKERD_LOG_DIR:-/tmp/oss-media-dockerd}"

start_daemon() {
  if docker info >/dev/null 2>&1; then
    return 0
  fi
  command -v dockerd >/dev/null || { echo "dockerd is not installed" >&2; return 1; }

  mkdir -p "$LOG_DIR"
  # setsid: the daemon must outlive this script and the CI step that ran it.
  setsid dockerd --iptables=false --ip6tables=false >"$LOG_DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$LOG_DIR/dockerd.pid"

  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  echo "dockerd did not answer within 60 s; last lines of its log:" >&2
  tail -n 20 "$LOG_DIR/dockerd.log" >&2
  return 1
}

# Copies a file to the same path under the staging root, following symlinks so the image holds
# real files under the names the dynamic loader asks for.
stage_file() {
  local root=$1 file=$2
  mkdir -p "$root$(dirname "$file")"
  cp -L "$file" "$root$file"
}

build_base_image() {
  local node_bin node_version current
  node_bin="$(readlink -f "$(command -v node)")"
  node_version="$("$node_bin" --version)"

  current="$(docker image inspect -f '{{ index .Config.Labels "oss-media.node-version" }}' \
    "$BASE_IMAGE" 2>/dev/null || true)"
  if [ "$current" = "$node_version" ]; then
    return 0
  fi

  local root
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' RETURN

  stage_file "$root" "$node_bin"
  mkdir -p "$root/usr/local/bin"
  [ "$node_bin" = /usr/local/bin/node ] || ln -s "$node_bin" "$root/usr/local/bin/node"

  # ldd prints "name => /path (addr)" for libraries and "/path (addr)" for the loader itself.
  local lib libs
  libs="$(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')"
  for lib in $libs; do
    stage_file "$root" "$lib"
  done

  # The same non-root user the official Node images ship, so one Dockerfile fits both bases.
  mkdir -p "$root/etc" "$root/home/node" "$root/tmp"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000::/home/node:/sbin/nologin\n' \
    >"$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
  chown 1000:1000 "$root/home/node"

  tar --numeric-owner -C "$root" -cf - . | docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change "LABEL oss-media.node-version=$node_version" \
    --change 'CMD ["node"]' \
    - "$BASE_IMAGE" >/dev/null
  echo "built $BASE_IMAGE from $node_bin ($node_version)"
}

start_daemon
build_base_image
