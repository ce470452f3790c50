"""Every application against Keras: each model (VGG16, VGG19, ResNet50, ResNet50V2,
MobileNetV2, EfficientNetB0) is built in Keras with weights=None and given seeded random
weights; the crossops model gets them by layer name and both predict on the same images.
Prints the largest difference relative to the largest Keras output, for every backend
and data format (Keras channels_last; crossops channels_first on transposed images).

Usage: python scripts/check_applications.py [--size 32] [--batch 2] [--no-top]
       [--models VGG16,ResNet50] [--backends jax,torch]
Exits 1 if a difference is above 1e-5.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.applications_keras import MODELS, difference, reference  # noqa: E402

TOLERANCE = 1e-5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--no-top", action="store_true")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    args = parser.parse_args()
    worst = 0.0
    print(f"{'model':<16}{'backend':<12}{'format':<16}{'max rel diff':>14}{'s':>7}")
    for name in args.models.split(","):
        ref = reference(name, args.size, args.batch, include_top=not args.no_top)
        for backend in args.backends.split(","):
            for data_format in ("channels_last", "channels_first"):
                start = time.perf_counter()
                d = difference(name, backend, data_format, ref)
                worst = max(worst, d)
                print(f"{name:<16}{backend:<12}{data_format:<16}{d:>14.2e}"
                      f"{time.perf_counter() - start:>7.1f}", flush=True)
    print(f"worst {worst:.2e} (tolerance {TOLERANCE:.0e})")
    return int(worst > TOLERANCE)


if __name__ == "__main__":
    sys.exit(main())
