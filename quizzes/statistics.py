"""Item statistics in the manner of Moodle's quiz statistics report. Plain values in and out.

The database sends sums (see ``quizzes/stats_queries.py``); these functions turn them into the
figures. Each question is worth 1 point; ``x`` is a question's score in an attempt (0..1, an
unanswered question scores 0) and ``T`` the attempt's total points.

- Facility index F = mean(x) × 100: the % of the available point learners earned.
- Discrimination index D = 100 × Pearson correlation between ``x`` and the rest of the test
  ``R = T − x`` over the attempts that held the question (Moodle's "discriminative efficiency"
  family uses the same correlation). None when either side has no variance.
- Per quiz, over the attempts' percent scores S = 100 × T / k: count, mean, median, standard
  deviation (sample, n − 1), and pass rate (share of attempts with S ≥ pass mark).
- Cronbach's alpha = k / (k − 1) × (1 − Σ var(x_i) / var(T)), with population variances over
  the attempts, k = number of questions. None for fewer than 2 questions or no variance.

Sums in, so every figure is computed from a fixed number of aggregate queries whatever the
number of attempts.
"""

import math
import statistics as pystats
from dataclasses import dataclass


@dataclass(frozen=True)
class ItemSums:
    """Sums over the attempts that held one question."""

    n: int
    sx: float  # Σ x
    sxx: float  # Σ x²
    st: float  # Σ T
    stt: float  # Σ T²
    sxt: float  # Σ x·T


@dataclass(frozen=True)
class ItemStats:
    attempts: int
    facility: float | None  # percent
    discrimination: float | None  # percent (correlation × 100)
    variance: float | None  # population variance of x


def item_stats(sums: ItemSums) -> ItemStats:
    n = sums.n
    if n == 0:
        return ItemStats(0, None, None, None)
    facility = 100 * sums.sx / n
    variance = max(sums.sxx / n - (sums.sx / n) ** 2, 0.0)
    # Rest of the test R = T − x.
    sr = sums.st - sums.sx
    srr = sums.stt - 2 * sums.sxt + sums.sxx
    sxr = sums.sxt - sums.sxx
    return ItemStats(n, facility, _pearson(n, sums.sx, sums.sxx, sr, srr, sxr), variance)


def _pearson(n, sx, sxx, sy, syy, sxy) -> float | None:
    numerator = n * sxy - sx * sy
    left = n * sxx - sx * sx
    right = n * syy - sy * sy
    if left <= 1e-12 or right <= 1e-12:
        return None
    return 100 * numerator / math.sqrt(left * right)


@dataclass(frozen=True)
class QuizStats:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    pass_rate: float | None
    alpha: float | None


def quiz_stats(
    scores: list[float], *, pass_mark: float, item_variances: list[float], totals: list[float]
) -> QuizStats:
    """``scores`` are attempts' percent scores; ``totals`` their raw points (for alpha)."""
    if not scores:
        return QuizStats(0, None, None, None, None, None)
    n = len(scores)
    mean = math.fsum(scores) / n
    # Float arithmetic (statistics.stdev works in exact fractions: seconds for 100,000 scores).
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in scores) / (n - 1)) if n > 1 else None
    return QuizStats(
        attempts=n,
        mean=mean,
        median=pystats.median(scores),
        sd=sd,
        pass_rate=100 * sum(score >= pass_mark for score in scores) / len(scores),
        alpha=cronbach_alpha(item_variances, totals),
    )


def cronbach_alpha(item_variances: list[float], totals: list[float]) -> float | None:
    k = len(item_variances)
    if k < 2 or len(totals) < 2:
        return None
    mean = math.fsum(totals) / len(totals)
    total_variance = math.fsum((t - mean) ** 2 for t in totals) / len(totals)
    if total_variance <= 1e-12:
        return None
    return k / (k - 1) * (1 - sum(item_variances) / total_variance)
