#!/usr/bin/env python3
"""Story benchmark (bench/run story): the offline story-to-video example, five scenes at 1080p,
run with the built jar, against the same ffmpeg work run directly.

Each iteration:
 1. runs `./acp pipeline run --config bench/story-1080p.yaml --offline --no-cache` with ACP_FFMPEG
    pointing at bench/ffmpeg-recorder.sh, which logs every ffmpeg call (arguments, start, end) and
    runs the real ffmpeg; the wall time is the whole process, JVM start included;
 2. replays the logged calls with the real ffmpeg and no ACP, keeping the run's concurrency: a
    call waits for exactly the calls that had ended when it started in the run (so the per-scene
    encodes overlap as they did, and the assembly waits for all of them). That can add waits ACP
    did not need but never drop one it did, so it is the direct-ffmpeg time for this work;
 3. splits ACP's wall time: JVM start and CLI work outside the engine (wall - run.json
    total_execution_time), the in-process work ffmpeg does not do (preview pictures rendered in
    Java, FreeTTS speech, the rule-based scene splitter: the scene phase of run.json minus the
    replayed ffmpeg time of that phase), and what remains: orchestration.

Usage: story_bench.py --iterations N --out FILE   (run from the repository root)
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CONFIG = "bench/story-1080p.yaml"


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def replay(calls, real_ffmpeg):
    """Runs the calls as the run did; returns (wall seconds, per-call [start, end] offsets)."""
    calls = sorted(calls, key=lambda c: c["start_ns"])
    deps = [[j for j, d in enumerate(calls) if d["end_ns"] <= c["start_ns"]] for c in calls]
    done = [threading.Event() for _ in calls]
    timing = [None] * len(calls)
    t0 = time.monotonic()

    def run(i):
        for j in deps[i]:
            done[j].wait()
        c = calls[i]
        args = list(c["args"])
        for tmp, kept in c["kept"].items():  # ACP's deleted temporary folders, kept by the recorder
            args = [a.replace(tmp, kept) for a in args]
        start = time.monotonic()
        with tempfile.TemporaryFile() as err:
            p = subprocess.Popen([real_ffmpeg] + args, cwd=c["cwd"], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            end = time.monotonic()
            p.returncode = os.waitstatus_to_exitcode(status)
            err.seek(0)
            stderr = err.read()
        timing[i] = {"start": start - t0, "end": end - t0, "rc": p.returncode, "recorded_rc": c["rc"],
                     "recorded_seconds": (c["end_ns"] - c["start_ns"]) / 1e9,
                     "recorded_start_ns": c["start_ns"],
                     "cpu_seconds": usage.ru_utime + usage.ru_stime, "recorded_cpu_seconds": c["cpu_seconds"],
                     "stderr_tail": stderr.decode("utf-8", "replace")[-300:] if p.returncode != c["rc"] else ""}
        done[i].set()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - t0, timing


def one_iteration(root, work, real_ffmpeg):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = os.path.join(work, "ffmpeg.jsonl")
    out = os.path.join(work, "out")
    env = dict(os.environ, ACP_FFMPEG=os.path.join(root, "bench/ffmpeg-recorder.sh"),
               ACP_BENCH_REAL_FFMPEG=real_ffmpeg, ACP_BENCH_FFMPEG_LOG=log, ACP_NO_BUILD="1")
    load_before = os.getloadavg()
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(["./acp", "pipeline", "run", "--config", CONFIG, "--offline", "--no-cache",
                              "--output-dir", out, "--format", "json"], cwd=root, env=env,
                             stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        p.stderr = err.read()
    acp_wall = time.monotonic() - t0
    acp_tree_cpu = usage.ru_utime + usage.ru_stime  # the JVM and its waited-for children
    load_after = os.getloadavg()
    if p.returncode != 0:
        sys.exit("acp failed (exit %d): %s" % (p.returncode, p.stderr.decode()[-2000:]))
    with open(os.path.join(out, "run.json"), encoding="utf-8") as f:
        run = json.load(f)
    with open(log, encoding="utf-8") as f:
        calls = [json.loads(line) for line in f if line.strip()]
    steps = {s["step_id"]: s for s in run["step_results"]}
    film = steps["film"]
    film_start = parse_time(film["started_at"])
    scenes_start = parse_time(steps["scenes"]["started_at"])

    replay_wall, timing = replay(calls, real_ffmpeg)
    # The JVM's own CPU (plus the recorder's few bash milliseconds): its tree minus ffmpeg's.
    acp_cpu = acp_tree_cpu - sum(c["cpu_seconds"] for c in calls)
    mismatched = [t for t in timing if t["rc"] != t["recorded_rc"]]
    if mismatched:
        sys.exit("the replay did not reproduce the run's ffmpeg results: %s" % mismatched[:2])
    # Calls that started before the film step belong to the scene phase (the mp3 encodes).
    pre_film = [t for t in timing if t["recorded_start_ns"] / 1e9 < film_start]
    replay_pre_film = max((t["end"] for t in pre_film), default=0.0)
    scene_phase = film_start - scenes_start  # scene splitter + the for_each group, by run.json
    in_process = max(0.0, scene_phase - replay_pre_film)
    outside_engine = acp_wall - run["total_execution_time"]
    orchestration = acp_wall - replay_wall - in_process
    longest = max(calls, key=lambda c: c["end_ns"] - c["start_ns"])
    return {
        "acp_wall_seconds": round(acp_wall, 3),
        "direct_ffmpeg_replay_seconds": round(replay_wall, 3),
        "in_process_render_speech_seconds": round(in_process, 3),
        "orchestration_seconds": round(orchestration, 3),
        "orchestration_percent_of_direct_work": round(100 * orchestration / (replay_wall + in_process), 1),
        "non_ffmpeg_percent_of_direct_ffmpeg": round(100 * (acp_wall - replay_wall) / replay_wall, 1),
        "jvm_start_and_cli_seconds": round(outside_engine, 3),
        "engine_total_execution_seconds": run["total_execution_time"],
        "scene_phase_seconds": round(scene_phase, 3),
        "film_step_seconds": film["execution_time"],
        "ffmpeg_calls": len(calls),
        "ffmpeg_recorded_busy_seconds": round(sum(c["end_ns"] - c["start_ns"] for c in calls) / 1e9, 3),
        "assembly_ffmpeg_recorded_seconds": round((longest["end_ns"] - longest["start_ns"]) / 1e9, 3),
        "assembly_ffmpeg_replay_seconds": round(max(t["end"] - t["start"] for t in timing), 3),
        # CPU time is what the machine's other load does not change: the same calls should cost
        # the same CPU under ACP and directly, and ACP's own process should add little.
        "ffmpeg_cpu_seconds_under_acp": round(sum(t["recorded_cpu_seconds"] for t in timing), 2),
        "ffmpeg_cpu_seconds_direct": round(sum(t["cpu_seconds"] for t in timing), 2),
        "acp_jvm_cpu_seconds_incl_rendering_speech": round(acp_cpu, 2),
        "step_seconds": {s["step_id"]: s["execution_time"] for s in run["step_results"]},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ffmpeg", required=True, help="the real ffmpeg the runs and the replay use")
    a = ap.parse_args()
    root = os.getcwd()
    runs = []
    for i in range(a.iterations):
        r = one_iteration(root, os.path.join(root, "bench/target/story-bench/run-%d" % (i + 1)), a.ffmpeg)
        print("run %d: ACP %.1f s, direct ffmpeg %.1f s, in-process rendering/speech %.1f s, orchestration %.2f s"
              " (%.1f%%), load %s" % (i + 1, r["acp_wall_seconds"], r["direct_ffmpeg_replay_seconds"],
                                       r["in_process_render_speech_seconds"], r["orchestration_seconds"],
                                       r["orchestration_percent_of_direct_work"], r["load_average_before"]),
              flush=True)
        runs.append(r)
    med = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]
           if isinstance(runs[0][k], (int, float))}
    result = {
        "benchmark": "story-video",
        "command": "./acp pipeline run --config %s --offline --no-cache" % CONFIG,
        "scenes": 5, "resolution": "1920x1080", "cpus": os.cpu_count(),
        "ffmpeg": a.ffmpeg, "iterations": a.iterations,
        "goals": {"whole_example_seconds_below": 60, "orchestration_percent_below": 15},
        "median": med,
        "runs": runs,
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(med, indent=2))


if __name__ == "__main__":
    main()
