#!/usr/bin/env python3
"""Start-up benchmark (bench/run startup): how long a short command takes as a user starts it,
side by side in one run with the same command on a plain `java -jar` and with a bare JVM.

Commands, each run N times in turn (A B C A B C ...) after one warm-up round, wall time of the
whole process from outside (fork to exit), CPU time from the OS's accounting of the child:
  - `java -version`                       the floor: a JVM that loads nothing of ACP
  - `java -jar acp-run.jar --version`     ACP as a plain jar: no archive, both JIT compilers
  - `./acp --version`                     the launcher: up-to-date check, class-data archive, C1 only
  - `java -jar acp-run.jar config validate examples/seed/content_creation.yaml --offline`
  - `./acp config validate examples/seed/content_creation.yaml --offline`

Usage: startup_bench.py --iterations N --out FILE   (from the repository root, after ./acp built)
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import time

SEED = "examples/seed/content_creation.yaml"


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=7)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    jar = "acp-cli/target/acp-run.jar"
    commands = {
        "java -version": [java, "-version"],
        "java -jar --version": [java, "-jar", jar, "--version"],
        "./acp --version": ["./acp", "--version"],
        "java -jar config validate": [java, "-jar", jar, "config", "validate", SEED, "--offline"],
        "./acp config validate": ["./acp", "config", "validate", SEED, "--offline"],
    }
    samples = {name: [] for name in commands}
    for round_ in range(args.iterations + 1):
        for name, cmd in commands.items():
            wall, cpu = timed(cmd)
            if round_ > 0:  # the first round warms the page cache and makes the archive
                samples[name].append((wall, cpu))
    result = {"cores": os.cpu_count(), "iterations": args.iterations, "java": java}
    for name, runs in samples.items():
        walls = [w for w, _ in runs]
        cpus = [c for _, c in runs]
        result[name] = {"wall_s_median": round(statistics.median(walls), 3), "wall_s_min": round(min(walls), 3),
                        "wall_s_max": round(max(walls), 3), "cpu_s_median": round(statistics.median(cpus), 3)}
        print(f"{name:28s} wall median {result[name]['wall_s_median']:.3f} s "
              f"(min {result[name]['wall_s_min']:.3f}, max {result[name]['wall_s_max']:.3f}), "
              f"cpu median {result[name]['cpu_s_median']:.3f} s")
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
