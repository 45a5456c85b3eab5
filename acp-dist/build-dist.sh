#!/bin/sh
# Lays out the ACP distribution in OUT (called by acp-dist/pom.xml at package time):
#   OUT/bin/acp       the launcher (src/main/dist/bin/acp)
#   OUT/lib/acp.jar   the runnable jar acp-cli builds
#   OUT/lib/acp.aot   a class-data archive of the classes a short command loads, for OUT/runtime
#                     (an AOT cache on Java 25 and later; lib/acp.jsa, a dynamic archive, before)
#   OUT/runtime       a Java runtime linked with jlink from the JDK that runs the build, holding
#                     only the modules ACP needs (jdeps), so the distribution needs no JDK
# Usage: build-dist.sh JDK_HOME ACP_JAR REPO OUT
set -eu
JDK=$1 JAR=$2 REPO=$3 OUT=$4
HERE=$(cd "$(dirname "$0")" && pwd)

rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/lib"

# The modules ACP's classes and libraries refer to, as jdeps reads them from the bytecode ...
modules=$("$JDK/bin/jdeps" -q --multi-release 21 --ignore-missing-deps --print-module-deps "$JAR")
# ... plus what only reflection or a service lookup finds: the locale data behind the sentence and
# word breaks of the offline scene splitter (Thai needs its dictionary; StoryLanguage picks the
# locales below), limited to those languages to keep the runtime small.
modules="$modules,jdk.localedata"
locales="en,de,fr,es,it,pt,nl,ja,zh,ko,ar,he,th,ru,hi,el"
echo "dist: linking a runtime with $modules"

# --generate-cds-archive gives the runtime the JDK's own default class-data archive, which the
# dynamic archive of ACP's classes below is layered on.
"$JDK/bin/jlink" --add-modules "$modules" --include-locales="$locales" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
    --generate-cds-archive --output "$OUT/runtime"

cp "$JAR" "$OUT/lib/acp.jar"
cp "$HERE/src/main/dist/bin/acp" "$OUT/bin/acp"
chmod 755 "$OUT/bin/acp"
cp "$REPO/LICENSE" "$REPO/NOTICE" "$OUT/"
[ ! -f "$REPO/CHANGELOG.md" ] || cp "$REPO/CHANGELOG.md" "$OUT/"

# The class-data archive: a training run of the shipped runtime on the shipped jar that validates
# the offline example (the launcher's ./acp does the same on first use). Its state folder is a
# scratch one, so nothing is written outside OUT's parent. A runtime of Java 25 or later gets an
# AOT cache (classes loaded and linked ahead of time, trained with the short commands' options:
# a tenth off a short command against the dynamic archive), an older one a dynamic archive.
scratch="$OUT.cds-home"
rm -rf "$scratch"
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$OUT/runtime/release")
if [ "${major:-0}" -ge 25 ]; then
  archive="$OUT/lib/acp.aot"
  make="-XX:AOTCacheOutput=$archive -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:aot=off"
else
  archive="$OUT/lib/acp.jsa"
  make="-XX:ArchiveClassesAtExit=$archive -Xlog:cds+dynamic=off"
fi
# shellcheck disable=SC2086
ACP_HOME="$scratch" "$OUT/runtime/bin/java" $make -Xlog:cds=off \
    -jar "$OUT/lib/acp.jar" config validate --offline "$REPO/examples/story-to-video.yaml" >/dev/null 2>&1
rm -rf "$scratch" "$archive.config"
[ -s "$archive" ] || { echo "dist: the class-data archive was not written" >&2; exit 1; }
echo "dist: $(du -sh "$OUT/runtime" | cut -f1) runtime, $(du -sh "$OUT" | cut -f1) in all"
