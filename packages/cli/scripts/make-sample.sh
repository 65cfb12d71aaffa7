#!/bin/sh
# Regenerates the demo recording in ../sample from ffmpeg's built-in test sources: a moving
# test pattern and a 440 Hz tone. Generated content, no third-party material.
#
#   sample.h264  H.264 Annex B, 640x360, 25 fps, constrained baseline, keyframe every 2 s
#   sample.aac   AAC-LC in ADTS, 48 kHz mono, 48 kb/s
#   sample.mp4   the two muxed together (stream copy) for direct playback in a browser
set -eu
cd "$(dirname "$0")/../sample"

seconds=${SAMPLE_SECONDS:-12}
common="-hide_banner -loglevel error -y"

ffmpeg $common -f lavfi -i "testsrc2=size=640x360:rate=25:duration=$seconds" \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p \
  -preset veryfast -tune zerolatency -b:v 150k -maxrate 200k -bufsize 400k \
  -g 50 -keyint_min 50 -sc_threshold 0 -bsf:v h264_mp4toannexb \
  -bitexact -f h264 sample.h264

ffmpeg $common -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
  -c:a aac -b:a 48k -ac 1 -bitexact -f adts sample.aac

ffmpeg $common -r 25 -f h264 -i sample.h264 -f aac -i sample.aac \
  -c copy -movflags +faststart -bitexact sample.mp4

ls -l sample.h264 sample.aac sample.mp4
