#!/bin/sh
# ./acp install [--prefix DIR]: installs the ACP distribution built from this clone under
# PREFIX/lib/acp-<version> and links PREFIX/bin/acp to its launcher (PREFIX defaults to ~/.local).
# Builds the distribution first when it is missing or older than the sources. Running it again
# replaces the installation of that version; other versions are left alone.
# Called by ./acp with JAVA_HOME already set to a JDK >= 21 (the build needs one, the installed
# acp does not).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  echo "usage: acp install [--prefix DIR]   (default DIR: ~/.local; installs DIR/lib/acp-<version> and DIR/bin/acp)"
}

prefix="${HOME:-}/.local"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "acp install: --prefix needs a folder, e.g. --prefix ~/.local" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "acp install: unknown option '$1'; $(usage)" >&2; exit 2 ;;
  esac
done
[ -n "$prefix" ] || { echo "acp install: no HOME to install under; give --prefix DIR" >&2; exit 2; }
mkdir -p "$prefix" || { echo "acp install: cannot create $prefix; choose another --prefix" >&2; exit 2; }
prefix=$(cd "$prefix" && pwd)

# The version the reactor builds: acp-parent's own <version>, the first one after its artifactId.
version=$(sed -n '/<artifactId>acp-parent<\/artifactId>/,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
[ -n "$version" ] || { echo "acp install: cannot read the version from $ROOT/pom.xml" >&2; exit 70; }
archive="$ROOT/acp-dist/target/acp-$version-linux-x64.tar.gz"

stale() {
  [ -f "$archive" ] || return 0
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/.mvn" "$ROOT"/acp-*/pom.xml "$ROOT"/acp-*/src/main "$ROOT/acp-dist/build-dist.sh" \
      "$ROOT/examples/story-to-video.yaml" "$ROOT/examples/stories" -type f -newer "$archive" -print 2>/dev/null | head -n 1)" ]
}

if stale; then
  echo "acp install: building the distribution (jlink and a class-data archive; a few minutes) ..." >&2
  log="$ROOT/acp-dist/target/install-build.log"
  mkdir -p "$ROOT/acp-dist/target"
  if ! (cd "$ROOT" && ./mvnw -B -q -Pdist -Dmaven.test.skip=true -pl acp-dist -am package) >"$log" 2>&1; then
    echo "acp install: the build failed; the last lines of $log follow:" >&2
    grep -v -E '^WARNING: .*(Unsafe|HiddenClassDefiner)' "$log" | tail -n 25 >&2
    exit 70
  fi
fi

# Unpack beside the target and swap by rename, so an interrupted install never leaves half an
# installation where PREFIX/bin/acp points.
lib="$prefix/lib"
dest="$lib/acp-$version"
tmp="$lib/.acp-$version.tmp.$$"
mkdir -p "$lib" "$prefix/bin"
rm -rf "$tmp"
mkdir "$tmp"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM PIPE
tar -xzf "$archive" -C "$tmp"
[ -x "$tmp/acp-$version/bin/acp" ] || { echo "acp install: $archive holds no acp-$version/bin/acp; delete it and run again" >&2; exit 70; }
rm -rf "$dest"
mv "$tmp/acp-$version" "$dest"
ln -sfn "$dest/bin/acp" "$prefix/bin/acp"
"$prefix/bin/acp" --version >/dev/null || { echo "acp install: the installed $prefix/bin/acp does not start" >&2; exit 70; }

echo "Installed ACP $version in $dest; $prefix/bin/acp runs it (no JDK needed)."
case ":${PATH:-}:" in
  *":$prefix/bin:"*) ;;
  *) echo "$prefix/bin is not on your PATH; add it, for example with"
     echo "  echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.profile   # then open a new shell" ;;
esac
