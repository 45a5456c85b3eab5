#!/usr/bin/env python3
"""Writes a large pipeline for timing `acp config validate` (bench/run plan).

Independent fal text_to_image steps (depends_on: [] so that none waits for the one before it),
each prompt referring to the pipeline's inputs; every tenth step is an image_to_image step that
refers to the picture before it with {{steps.X.output}}, so the planner also builds and checks
dependencies. Lines are kept short (default output file names) so that 20,000 steps stay under
the YAML reader's 3 MiB document limit.

  python3 bench/gen_pipeline.py --steps 2000 --out bench/target/plan-2000.yaml
"""
import argparse
import pathlib


def pipeline(steps: int) -> str:
    out = [
        "pipeline_name: plan_bench",
        "output_directory: out",
        "global_config: { parallel_enabled: true }",
        "inputs:",
        "  style: { type: string, default: watercolor, enum: [watercolor, cinematic, anime] }",
        "  topic: { type: string, default: a lighthouse }",
        "steps:",
    ]
    for i in range(steps):
        if i % 10 == 9:
            out.append(
                f"  - {{step_type: image_to_image, id: s{i}, provider: fal, depends_on: [], config: "
                f"{{model: flux-dev-image-to-image, image_url: \"{{{{steps.s{i - 1}.output}}}}\", "
                f"prompt: \"{{{{inputs.topic}}}} {i}\" }} }}")
        else:
            out.append(
                f"  - {{step_type: text_to_image, id: s{i}, provider: fal, depends_on: [], config: "
                f"{{model: flux-dev, prompt: \"{{{{inputs.topic}}}} {i}, {{{{inputs.style}}}}\"}}}}")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    path = pathlib.Path(a.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pipeline(a.steps), encoding="utf-8")


if __name__ == "__main__":
    main()
