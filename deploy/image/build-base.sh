#!/bin/sh
# Builds the base image of `./mvnw -Pimage package` without a Docker daemon or registry: a Debian
# trixie root file system made with mmdebstrap from Debian's own packages (openjdk-21-jre-headless,
# ffmpeg, espeak-ng, curl for the health check, ca-certificates), the unprivileged user acp
# (10001) owning ACP_HOME=/var/lib/acp, packed as a one-layer image archive (docker-save layout)
# that Jib reads as `tar://...` (acp-cli/pom.xml, profile image).
#
# The archive is kept between builds (it takes minutes and depends on nothing in this
# repository); delete it, or pass -Dacp.image.rebuildBase, to build it again with current packages.
# mmdebstrap needs root (it chroots to run the packages' scripts); it is installed with apt-get
# when missing.
# Usage: build-base.sh OUT_DIR [rebuild]
set -eu
OUT=$1
REBUILD=${2:-false}
SUITE=${ACP_IMAGE_SUITE:-trixie}
MIRROR=${ACP_IMAGE_MIRROR:-http://deb.debian.org/debian}
BASE="$OUT/acp-base.tar"

if [ -s "$BASE" ] && [ "$REBUILD" != true ]; then
  echo "image: reusing $BASE (-Dacp.image.rebuildBase builds it again)"
  exit 0
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "image: mmdebstrap is missing; install it with 'sudo apt-get install mmdebstrap' and build again" >&2
    exit 1
  fi
  echo "image: installing mmdebstrap from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap >/dev/null
fi

work="$OUT/base.work"
rm -rf "$work"
mkdir -p "$work"
echo "image: assembling a Debian $SUITE root file system from $MIRROR (a few minutes)"
# Essential packages plus what ACP runs; no documentation, manual pages or translations, apt's
# lists removed: the image needs no package manager state. man1 must exist all the same: the
# JRE's update-alternatives links its manual page there and fails without the folder.
mmdebstrap --variant=essential --quiet \
  --include=openjdk-21-jre-headless,ffmpeg,espeak-ng,curl,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='echo "acp:x:10001:10001:ACP:/var/lib/acp:/usr/sbin/nologin" >> "$1/etc/passwd"' \
  --customize-hook='echo "acp:x:10001:" >> "$1/etc/group"' \
  --customize-hook='echo "acp:!:20000::::::" >> "$1/etc/shadow"' \
  --customize-hook='mkdir -p "$1/var/lib/acp" && chown 10001:10001 "$1/var/lib/acp" && chmod 750 "$1/var/lib/acp"' \
  --customize-hook='rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/"*' \
  "$SUITE" "$work/layer.tar" "$MIRROR"

diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# The image configuration Jib starts from. Jib keeps its Env; it drops the Healthcheck (Jib 3.5.2,
# OCI format), so OciHealthcheck writes it into the final image after Jib (acp-cli's image profile).
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8"],
  "Healthcheck":{"Test":["CMD-SHELL","curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready || exit 1"],
   "Interval":30000000000,"Timeout":5000000000,"StartPeriod":20000000000,"Retries":3}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"mmdebstrap $SUITE (deploy/image/build-base.sh)"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["acp-base:%s"],"Layers":["layer.tar"]}]\n' "$SUITE" > "$work/manifest.json"
tar -C "$work" -cf "$BASE.tmp" manifest.json config.json layer.tar
mv "$BASE.tmp" "$BASE"
rm -rf "$work"
echo "image: base $(du -h "$BASE" | cut -f1) at $BASE"
