"""The supervision packet: signalled clients first, names only when asked, weeks not dates."""

from __future__ import annotations

from datetime import date

from hecht.schema.services.supervision import supervision_packet

SEPT, NOV20 = date(2026, 9, 1), date(2026, 11, 20)


def test_signalled_clients_come_first_and_carry_their_trajectory(practice):
    practice.client("ALPHA")
    practice.client("ZULU")
    for code, pre, post in (
        ("ALPHA", "2,2,2,2,2", "4,4,3,3,4"),
        ("ZULU", "4,4,3,3,4", "2,2,2,2,2"),
    ):
        episode = practice.episode(
            code, SEPT, due_date=date(2027, 2, 1), referral_reasons=["fear_of_childbirth"]
        )
        practice.visits(episode, [code], SEPT, NOV20)
        practice.scale(code, "who5", pre, SEPT, episode)
        practice.scale(code, "who5", post, NOV20, episode)
    from hecht.schema.services.visits import correct_visit, visits_in_episode

    [_, last] = visits_in_episode(
        session=practice.session, actor=practice.actor, episode_lineage_id=episode
    )
    correct_visit(
        session=practice.session,
        actor=practice.actor,
        lineage_id=last.lineage_id,
        changes={"note": "First line.\n\nSecond line.\nThird.\nFourth."},
        reason="note",
    )
    packet = supervision_packet(
        session=practice.session, actor=practice.actor, library=practice.library
    )
    assert [case.code for case in packet] == ["ZULU", "ALPHA"]  # ZULU deteriorated
    zulu = packet[0]
    assert [signal.kind.value for signal in zulu.signals] == ["deteriorated"]
    [who5] = zulu.scores
    assert (who5.series, who5.baseline, who5.latest, who5.change) == ([72, 40], 72, 40, -32)
    assert (who5.category, who5.reliable) == ("deteriorated", True)
    assert (zulu.note_opening, zulu.note_withheld) == ([], True)  # free text may name people
    named = supervision_packet(
        session=practice.session, actor=practice.actor, library=practice.library, names=True
    )
    assert named[0].note_opening == ["First line.", "Second line.", "Third."]
    assert not named[0].note_withheld
    assert zulu.week is not None and (zulu.week.phase, zulu.week.week) == ("pregnant", 30)
    assert (zulu.weeks_in_care, zulu.weeks_since_last_visit) == (12, 0)
    assert zulu.referral_reasons == ["fear_of_childbirth"]


def test_names_stay_out_unless_asked_for(practice):
    practice.client("N1", name="Anna Jansen")
    hidden = supervision_packet(
        session=practice.session, actor=practice.actor, library=practice.library
    )
    shown = supervision_packet(
        session=practice.session, actor=practice.actor, library=practice.library, names=True
    )
    assert (hidden[0].name, shown[0].name) == (None, "Anna Jansen")
