"""CSV export: long and wide files a statistician opens without questions, and pseudonymisation."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest

from hecht.schema.context import Actor
from hecht.schema.db.database import unit_of_work
from hecht.schema.exchange.csv_export import export_csv
from tests.schema.conftest import Practice

START = datetime(2026, 9, 1, 10, tzinfo=UTC)


def at(days: int) -> Actor:
    moment = START + timedelta(days=days)
    return Actor(user_id=None, access_point="test", clock=lambda: moment)


def who5(engine, library, code: str, episode: int, days: int, answers: str) -> None:
    with unit_of_work(engine) as session:
        Practice(session, at(days), library).scale(code, "who5", answers, None, episode)


@pytest.fixture
def practice(engine, library):
    with unit_of_work(engine) as session:
        mother = Practice(session, at(0), library)
        mother.client("MOM-7", name="Mira de Vries", contact="06-1234")
        episode = mother.episode(
            "MOM-7",
            START.date(),
            due_date=datetime(2027, 1, 10).date(),
            referral_reasons=["traumatic_birth"],
        )
    who5(engine, library, "MOM-7", episode, 0, "1,1,2,1,1")  # 6 -> 24%
    who5(engine, library, "MOM-7", episode, 70, "4,3,4,3,3")  # 17 -> 68%
    who5(engine, library, "MOM-7", episode, 84, "4,,4,3,3")  # missing: invalid
    return engine


def read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def export(practice, library, folder, key=None):
    with unit_of_work(practice) as session:
        export_csv(session=session, actor=at(90), library=library, folder=folder, study_key=key)
    return read(folder / "long.csv"), read(folder / "wide.csv")


def test_long_has_one_row_per_item_response(practice, library, tmp_path):
    long, _ = export(practice, library, tmp_path)
    assert len(long) == 15
    assert long[0] == {
        "client": "MOM-7",
        "episode": "1",
        "administration": "1",
        "scale": "who5",
        "scale_version": "1",
        "observed": "2026-09-01",
        "weeks_since_start": "0",
        "perinatal_week": "Z21",
        "item": "1",
        "position": "1",
        "code": "1",
        "score": "1",
        "missing": "0",
    }
    assert [row["missing"] for row in long if row["administration"] == "3"] == [
        "0",
        "1",
        "0",
        "0",
        "0",
    ]


def test_wide_has_one_row_per_administration_with_change_against_the_baseline(
    practice, library, tmp_path
):
    _, wide = export(practice, library, tmp_path)
    first, second, third = wide
    assert (first["total"], first["raw_total"], first["band"], first["occasion"]) == (
        "24",
        "6",
        "poor",
        "1",
    )
    assert first["baseline_total"] == "" and first["category"] == ""
    assert (second["total"], second["baseline_total"], second["change"]) == ("68", "24", "44")
    assert second["start_phase"] == "prenatal"
    assert second["referral_reasons"] == "traumatic_birth"
    assert (third["valid"], third["total"], third["missing_items"]) == ("0", "", "1")


def test_the_codebook_explains_every_column_and_every_code(practice, library, tmp_path):
    export(practice, library, tmp_path)
    codebook = read(tmp_path / "codebook.csv")
    explained = {(row["file"], row["column"]) for row in codebook}
    for name in ("long.csv", "wide.csv"):
        with (tmp_path / name).open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert {(name, column) for column in header} <= explained
    items = read(tmp_path / "items.csv")
    assert {(row["item"], row["code"], row["score"]) for row in items if row["item"] == "1"} == {
        ("1", str(code), str(code)) for code in range(6)
    }


def test_a_pseudonymised_export_has_study_ids_weeks_and_no_identifying_text(
    practice, library, tmp_path
):
    long, wide = export(practice, library, tmp_path, key="study-2026")
    text = "".join(
        (tmp_path / name).read_text(encoding="utf-8") for name in ("long.csv", "wide.csv")
    )
    for identifying in ("MOM-7", "Mira", "Vries", "06-1234", "2026-09-01"):
        assert identifying not in text
    assert {row["client"] for row in wide} == {wide[0]["client"]}
    assert wide[0]["client"].startswith("S-")
    assert wide[1]["weeks_since_start"] == "10" and wide[1]["perinatal_week"] == "Z31"


def test_study_ids_are_stable_for_a_key_and_differ_between_keys(practice, library, tmp_path):
    ids = []
    for folder, key in (("a", "k1"), ("b", "k1"), ("c", "k2")):
        (tmp_path / folder).mkdir()
        _, wide = export(practice, library, tmp_path / folder, key=key)
        ids.append(wide[0]["client"])
    assert ids[0] == ids[1] != ids[2]
