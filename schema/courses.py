"""Provides stored courses: reliable change per score summary and per episode, judged once.

The caseload's signals ask, for every client in care, how many scales changed reliably for the
better or the worse since the episode's baseline. Judging that on every read costs a scan with
arithmetic per row; here it is judged when a summary is written, by the scale's rule as stored in
CourseRule, and summed per episode in EpisodeCourse, so the signals read one short row per client.

The rules come from the scale library in use. ``ensure_rules`` compares them with the stored ones
on every read and, when they differ (an update of Hecht, a practice's own scale version), judges
every stored course again, so a stored judgement never outlives the rule it was made by. Plain
SQL (``hecht.schema.db.plain``): the TUI's quick first read runs it too.
"""

from __future__ import annotations

from collections.abc import Mapping

from hecht.scales.facts import ScaleFacts
from hecht.schema.db.plain import PlainConnection, hidden_by_row_security
from hecht.schema.trail.chain import hold_chain_lock

Rule = tuple[float, float]
"""(sign, step): 1 or -1 towards better, and the smallest reliable change."""

_JUDGED = """CASE WHEN {row}.valid_count < 2 THEN NULL
    WHEN {rule}.sign * ({row}.last_total - {row}.first_total) >= {rule}.step THEN 1
    WHEN {rule}.sign * ({row}.last_total - {row}.first_total) <= -{rule}.step THEN -1
    ELSE 0 END"""

_SUMMED = """SELECT client_id, episode_lineage_id, COUNT(course),
    SUM(CASE WHEN course = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN course = -1 THEN 1 ELSE 0 END),
    MAX(last_completed_at)
FROM scoresummary WHERE episode_lineage_id IS NOT NULL"""

_INSERT = """INSERT INTO episodecourse (client_id, episode_lineage_id, judged, improved,
    deteriorated, last_completed_at) """


def rules_of(facts: Mapping[str, ScaleFacts]) -> dict[str, Rule]:
    """The rule of every scale whose change can be judged."""
    return {
        scale_id: (1.0 if fact.higher_is_better else -1.0, step)
        for scale_id, fact in facts.items()
        if fact.judged and (step := fact.reliable_step) is not None
    }


def judge(rule: Rule | None, first: float | None, last: float | None, valid: int) -> int | None:
    """One summary's course under a rule, as ``_JUDGED`` judges it in SQL."""
    if rule is None or valid < 2 or first is None or last is None:
        return None
    sign, step = rule
    better = sign * (last - first)
    return 1 if better >= step else -1 if better <= -step else 0


def stored_rule(plain: PlainConnection, scale_id: str) -> Rule | None:
    """The rule that a scale's stored courses follow, if it has one."""
    found = plain.rows("SELECT sign, step FROM courserule WHERE scale_id = ?", [scale_id])
    return (found[0][0], found[0][1]) if found else None


def ensure_rules(plain: PlainConnection, facts: Mapping[str, ScaleFacts]) -> None:
    """Make the stored courses follow the library's rules, judging them again if they differ.

    A role that sees only its own caseload leaves them as they are: it would judge its own rows
    again and store the new rules, and every other caseload would keep the old judgement under
    them. The next read by a role that sees every row judges them all.
    """
    wanted = rules_of(facts)
    rows = plain.rows("SELECT scale_id, sign, step FROM courserule")
    stored = {scale_id: (sign, step) for scale_id, sign, step in rows}
    if stored == wanted or hidden_by_row_security(plain, "scoresummary"):
        return
    hold_chain_lock(plain)
    plain.execute("DELETE FROM courserule")
    for scale_id, (sign, step) in sorted(wanted.items()):
        plain.execute(
            "INSERT INTO courserule (scale_id, sign, step) VALUES (?, ?, ?)", [scale_id, sign, step]
        )
    judged = _JUDGED.format(row="scoresummary", rule="r")
    plain.execute(
        f"UPDATE scoresummary SET course = (SELECT {judged} FROM courserule r "
        "WHERE r.scale_id = scoresummary.scale_id)"
    )
    rebuild_episode_courses(plain)


def rebuild_episode_courses(plain: PlainConnection) -> None:
    """Sum every episode's stored courses again."""
    plain.execute("DELETE FROM episodecourse")
    plain.execute(f"{_INSERT}{_SUMMED} GROUP BY client_id, episode_lineage_id")


def refresh_episode_course(plain: PlainConnection, client_id: int, episode_id: int | None) -> None:
    """Sum one client's stored courses in one episode again (after its summary changed)."""
    if episode_id is None:
        return
    key = [client_id, episode_id]
    plain.execute("DELETE FROM episodecourse WHERE client_id = ? AND episode_lineage_id = ?", key)
    plain.execute(
        f"{_INSERT}{_SUMMED} AND client_id = ? AND episode_lineage_id = ? "
        "GROUP BY client_id, episode_lineage_id",
        key,
    )
