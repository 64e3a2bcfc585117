"""Provides the practice outcomes as JSON: unrounded numbers, null for what cannot be computed."""

from __future__ import annotations

from typing import Any


def _pair(bounds: tuple[float, float] | None) -> list[float] | None:
    return None if bounds is None else [bounds[0], bounds[1]]


def scale_json(scale: Any) -> dict[str, Any]:
    """Return one scale's statistics in one group, every figure as computed."""
    outcome = scale.outcome
    return {
        "short_name": scale.short_name,
        "domain": scale.domain,
        "n": outcome.n,
        "mean_pre": outcome.mean_pre,
        "mean_post": outcome.mean_post,
        "sd_pre": outcome.sd_pre,
        "sd_post": outcome.sd_post,
        "mean_change": outcome.mean_change,
        "sd_change": outcome.sd_change,
        "ci95": _pair(outcome.ci95),
        "d_z": outcome.d_z,
        "d_av": outcome.d_av,
        "g_av": outcome.g_av,
        "g_ci95": _pair(outcome.g_ci95),
        "r": outcome.r,
        "improvement_is_positive_change": outcome.improvement_is_positive_change,
        "categories": dict(outcome.categories),
        "category_shares": dict(outcome.category_shares),
        "uncategorised": outcome.uncategorised,
        "baseline_only": scale.baseline_only,
        "invalid": scale.invalid,
    }


def outcomes_json(report: Any) -> dict[str, Any]:
    """Return the whole report; the overall group's scales also sit at the top level."""
    groups = [
        {
            "split": group.split,
            "value": group.value,
            "episodes": group.episodes,
            "closed": group.closed,
            "clients": group.clients,
            "paired": group.paired,
            "scales": {scale.scale_id: scale_json(scale) for scale in group.scales},
        }
        for group in report.groups
    ]
    return {
        "generated_on": report.generated_on.isoformat(),
        "episodes": report.episodes,
        "caseload_of": report.caseload_of,
        "scales": groups[0]["scales"] if groups else {},
        "groups": groups,
    }
