#!/bin/bash
# ffmpeg stand-in for the story benchmark (bench/run story): ACP_FFMPEG points here. Each call is
# appended to $ACP_BENCH_FFMPEG_LOG as one JSON object per line (working directory, arguments,
# start and end in epoch nanoseconds, exit code), so bench/story_bench.py can run the very same
# commands without ACP. The real ffmpeg is $ACP_BENCH_REAL_FFMPEG. Runs it as a child (not exec)
# because the end time and exit code are needed; the wrapper costs a bash start (a few ms) per call.
set -u

# JSON via python would cost ~30 ms per call; escape by hand instead (backslash, quote, controls).
json_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

start=$(date +%s%N)
"$ACP_BENCH_REAL_FFMPEG" "$@"
rc=$?
end=$(date +%s%N)
# CPU seconds (user + system) of the finished child: the second line of `times`, e.g.
# "0m1.5s 0m0.2s". `times` must run in this shell (in $(...) it would see no children).
tf="${ACP_BENCH_FFMPEG_LOG%.jsonl}.times.$$"
times >"$tf"
cpu=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1]*60 + u[2] + s[1]*60 + s[2] }' "$tf")
rm -f "$tf"

# ACP's temporary folders (speech .wav files, the film's subtitles and fonts, named in -i inputs
# and inside filter graphs) are deleted when the step ends; keep a hard-linked copy (no data is
# copied) so that the replay finds them, and log where it is.
kept=""
declare -A seen=()
for a in "$@"; do
  rest=$a
  while [[ $rest =~ (/tmp/acp-[^/\ \':,]+) ]]; do
    dir=${BASH_REMATCH[1]}
    rest=${rest#*"$dir"}
    if [ -d "$dir" ] && [ -z "${seen[$dir]:-}" ]; then
      seen[$dir]=1
      keep="${ACP_BENCH_FFMPEG_LOG%.jsonl}.kept/$start-$$-${dir##*/}"
      mkdir -p "${keep%/*}"
      cp -al "$dir" "$keep" 2>/dev/null || cp -a "$dir" "$keep"
      kept+="${kept:+,}$(json_str "$dir"):$(json_str "$keep")"
    fi
  done
done

line="{\"cwd\":$(json_str "$PWD"),\"start_ns\":$start,\"end_ns\":$end,\"rc\":$rc,\"cpu_seconds\":$cpu,\"kept\":{$kept},\"args\":["
sep=""
for a in "$@"; do line+="$sep$(json_str "$a")"; sep=","; done
line+="]}"
# One write per line under flock: the concurrent scene steps append to the same log.
(
  flock 8
  printf '%s\n' "$line" >&8
) 8>>"$ACP_BENCH_FFMPEG_LOG"
exit $rc
