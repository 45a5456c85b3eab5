#!/usr/bin/env python3
"""Planning benchmark (bench/run plan): `acp config validate --offline` of generated pipelines of
2,000 and 20,000 independent fal steps (bench/gen_pipeline.py), as a user starts it with the
launcher (./acp: class-data archive, C1 only) and with a plain `java -jar acp-run.jar`, side by
side in one run. `./acp --version` and `java -jar acp-run.jar --version` are timed in the same
rounds: what the goal calls JVM start, subtracted in the "planning" column (validate minus
--version of the same launcher).

Commands run in turn (A B C ... A B C ...) after one warm-up round; wall time from fork to exit,
CPU time from the OS's accounting of the child. --baseline-jar JAR adds the same commands on
another build's jar (with a class-data archive made for it here), for a before-and-after.

Usage: plan_bench.py --iterations N --out FILE [--steps 2000,20000] [--baseline-jar JAR]
(from the repository root, after ./acp built)
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def timed(cmd, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def archive_for(java, jar, out):
    """A class-data archive for another jar, trained like ./acp trains its own."""
    if not os.path.exists(out):
        env = dict(os.environ, ACP_HOME=out + ".home")
        subprocess.run([java, f"-XX:ArchiveClassesAtExit={out}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                        "-jar", jar, "config", "validate", "--offline", "examples/story-to-video.yaml"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    # The options ./acp gives short commands (archive, C1 only, the serial collector), so that a
    # before-and-after compares builds, not launchers.
    return [f"-XX:SharedArchiveFile={out}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", default="2000,20000")
    ap.add_argument("--baseline-jar")
    args = ap.parse_args()
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
    jar = "acp-cli/target/acp-run.jar"
    sizes = [int(s) for s in args.steps.split(",")]
    files = {}
    for n in sizes:
        files[n] = f"bench/target/plan-{n}.yaml"
        subprocess.run([sys.executable, "bench/gen_pipeline.py", "--steps", str(n), "--out", files[n]], check=True)
    launchers = {"./acp": ["./acp"], "java -jar": [java, "-jar", jar]}
    if args.baseline_jar:
        opts = archive_for(java, args.baseline_jar, "bench/target/plan-baseline.jsa")
        launchers["baseline (archive, C1, serial)"] = [java] + opts + ["-jar", args.baseline_jar]
    commands = {}
    for name, launcher in launchers.items():
        commands[f"{name} --version"] = launcher + ["--version"]
        for n in sizes:
            commands[f"{name} validate {n}"] = launcher + ["config", "validate", "--offline", files[n]]
    samples = {name: [] for name in commands}
    for round_ in range(args.iterations + 1):
        for name, cmd in commands.items():
            wall, cpu = timed(cmd)
            if round_ > 0:  # the first round warms the page cache and makes the archives
                samples[name].append((wall, cpu))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    result = {"cores": os.cpu_count(), "iterations": args.iterations, "java": java, "load_after": load}
    for name, runs in samples.items():
        walls = [w for w, _ in runs]
        cpus = [c for _, c in runs]
        result[name] = {"wall_s_median": round(statistics.median(walls), 3), "wall_s_min": round(min(walls), 3),
                        "wall_s_max": round(max(walls), 3), "cpu_s_median": round(statistics.median(cpus), 3)}
    for name in commands:
        r = result[name]
        line = (f"{name:38s} wall median {r['wall_s_median']:.3f} s (min {r['wall_s_min']:.3f}, max "
                f"{r['wall_s_max']:.3f}), cpu median {r['cpu_s_median']:.3f} s")
        launcher = name.rsplit(" validate ", 1)[0]
        if " validate " in name:
            start = result[f"{launcher} --version"]
            r["planning_wall_s"] = round(r["wall_s_median"] - start["wall_s_median"], 3)
            r["planning_cpu_s"] = round(r["cpu_s_median"] - start["cpu_s_median"], 3)
            line += f"; minus --version: wall {r['planning_wall_s']:.3f} s, cpu {r['planning_cpu_s']:.3f} s"
        print(line)
    print(f"load average after the run: {' '.join(load)} on {os.cpu_count()} CPUs")
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
