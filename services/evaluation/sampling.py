"""The follow-up draw (回访抽取): reproducible random sampling (pure).

``random.Random(seed).sample`` over the case ids sorted, size ``ceil(ratio × n)`` (at least one
case when there is any): the same seed and the same inputs always give the same sample.
"""

from __future__ import annotations

import math
import random

ALGORITHM = "python random.Random(seed).sample(sorted(inputs), ceil(ratio*n)); sample sorted"


def sample_size(n: int, ratio: float) -> int:
    if n <= 0:
        return 0
    # round first so that 0.3 * 10 = 3.0000000000000004 does not become 4
    return min(n, max(1, math.ceil(round(ratio * n, 9))))


def draw_sample(inputs: list[str], ratio: float, seed: int) -> list[str]:
    population = sorted(set(inputs))
    k = sample_size(len(population), ratio)
    return sorted(random.Random(seed).sample(population, k))
