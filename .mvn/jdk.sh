# Sourced by ./acp, ./mvnw and .ci/run: selects a JDK whose major version is at least
# ACP_MIN_JAVA (21) and exports it as JAVA_HOME. Search order: JAVA_HOME, `java` on PATH,
# then the usual JVM folders. A JDK (with javac) is required because the launcher builds.

ACP_MIN_JAVA=21

# Prints the major version of the JDK at $1, or nothing when $1 is not a JDK.
acp_jdk_major() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  v=""
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" 2>/dev/null)
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  case "$v" in
    1.*) v=${v#1.} ;;
  esac
  v=${v%%[.+-]*}
  case "$v" in
    ''|*[!0-9]*) return 1 ;;
  esac
  echo "$v"
}

# Prints the home of a JDK >= ACP_MIN_JAVA, or fails: JAVA_HOME if it qualifies, else the JDK of
# `java` on PATH if it qualifies, else the newest qualifying JDK in the usual JVM folders.
acp_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ]; then
    m=$(acp_jdk_major "$JAVA_HOME") && [ "$m" -ge "$ACP_MIN_JAVA" ] && { echo "$JAVA_HOME"; return 0; }
  fi
  if command -v java >/dev/null 2>&1; then
    j=$(command -v java)
    j=$(readlink -f "$j" 2>/dev/null || echo "$j")
    h=${j%/bin/java}
    m=$(acp_jdk_major "$h") && [ "$m" -ge "$ACP_MIN_JAVA" ] && { echo "$h"; return 0; }
  fi
  best=""
  best_major=0
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "${HOME:-/nonexistent}"/.sdkman/candidates/java/* \
           "${HOME:-/nonexistent}"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$d" ] || continue
    m=$(acp_jdk_major "$d") || continue
    if [ "$m" -ge "$ACP_MIN_JAVA" ] && [ "$m" -gt "$best_major" ]; then best="$d"; best_major=$m; fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}

acp_use_jdk() {
  home=$(acp_find_jdk) || {
    echo "acp: no JDK ${ACP_MIN_JAVA} or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+, or set JAVA_HOME to it." >&2
    return 1
  }
  JAVA_HOME=$home
  export JAVA_HOME
}
