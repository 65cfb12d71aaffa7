#!/usr/bin/env bash
# Debian packages the tests use: Chromium (browser runtime tests and the web page), ffmpeg
# (ffprobe checks the muxed HLS output) and docker.io (the mock-oss container tests).
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v ffprobe >/dev/null || need+=(ffmpeg)
command -v dockerd >/dev/null || need+=(docker.io)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
