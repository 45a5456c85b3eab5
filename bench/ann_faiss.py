#!/usr/bin/env python3
"""FAISS peer of the ANN benchmark (bench/run ann, dev.acp.bench.AnnBenchmark).

Reads the vectors, queries and exact top-k that AnnBenchmark wrote (little-endian float32 and
int32), builds faiss.IndexHNSWFlat (M 16, efConstruction 200, inner product on unit vectors) on
one thread, then searches all queries at each efSearch of the sweep on one thread. FAISS gets its
fastest calling pattern: one batched search call per setting (no Python call per query).
Prints one JSON object on stdout.
"""
import argparse
import json
import resource
import time

import faiss
import numpy as np


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--dims", type=int, required=True)
    p.add_argument("--queries", type=int, required=True)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--efs", default="10,16,24,32,48,64,100")
    a = p.parse_args()
    faiss.omp_set_num_threads(1)
    data = np.fromfile(f"{a.work}/data.f32", dtype="<f4").reshape(a.n, a.dims)
    queries = np.fromfile(f"{a.work}/queries.f32", dtype="<f4").reshape(a.queries, a.dims)
    truth = np.fromfile(f"{a.work}/truth.i32", dtype="<i4").reshape(a.queries, a.k)

    index = faiss.IndexHNSWFlat(a.dims, 16, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 200
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    index.add(data)
    build_wall, build_cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0

    # Warm-up, as the Java side has.
    index.hnsw.efSearch = 64
    index.search(queries, a.k)
    sweep = []
    for ef in [int(e) for e in a.efs.split(",")]:
        index.hnsw.efSearch = max(ef, a.k)
        reps = 3
        c0, t0 = cpu_seconds(), time.perf_counter()
        for _ in range(reps):
            _, ids = index.search(queries, a.k)
        seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        found = sum(len(set(ids[i]).intersection(truth[i])) for i in range(a.queries))
        sweep.append({"ef": ef, "recall": found / (a.k * a.queries), "qps": reps * a.queries / seconds,
                      "qps_cpu": reps * a.queries / cpu})
    print(json.dumps({
        "engine": f"faiss {faiss.__version__} IndexHNSWFlat",
        "numpy": np.__version__,
        "build_wall_s": build_wall,
        "build_cpu_s": build_cpu,
        "sweep": sweep,
    }))


if __name__ == "__main__":
    main()
