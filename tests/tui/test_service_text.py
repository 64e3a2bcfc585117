"""The services' refusals in words people understand, in both languages (never pydantic's)."""

from __future__ import annotations

from datetime import date

import pytest

from hecht.schema.errors import InvalidInputError
from hecht.schema.inputs import NewClient, NewEpisode, validated
from hecht.schema.services.episodes import check_dates
from hecht.tui.i18n import Messages
from hecht.tui.views.service_text import service_error_text

PYDANTIC_WORDING = ("Field required", "Input should", "String should", "pattern", "^(", "valid")


def refusal_of(model, data) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as refused:
        validated(model, data)
    return refused.value


@pytest.mark.parametrize(
    ("model", "data", "english", "dutch"),
    [
        (NewClient, {}, "code is required", "code is verplicht"),
        (
            NewClient,
            {"code": "A1", "birth_year": "nineteen"},
            "birth year: “nineteen” is not a whole number",
            "geboortejaar: „nineteen” is geen heel getal",
        ),
        (
            NewClient,
            {"code": "A1", "language": "de"},
            "choose nl (Dutch) or en (English)",
            "kies nl (Nederlands) of en (Engels)",
        ),
        (NewClient, {"code": "A 1"}, "e.g. MOM-07", "bijv. MOM-07"),
        (
            NewClient,
            {"code": "A1", "birth_year": 1850},
            "the lowest allowed is 1900",
            "het laagste toegestane is 1900",
        ),
        (
            NewEpisode,
            {"started_on": "next week"},
            "start date: “next week” is not a date",
            "startdatum: „next week” is geen datum",
        ),
    ],
)
def test_a_refused_field_is_named_and_explained_in_both_languages(model, data, english, dutch):
    refused = refusal_of(model, data)
    assert refused.field and refused.reason
    shown = {language: service_error_text(refused, Messages(language)) for language in ("en", "nl")}
    assert english in shown["en"] and dutch in shown["nl"]
    assert not any(words in text for words in PYDANTIC_WORDING for text in shown.values())


def test_the_storage_layers_own_text_is_human_too():
    refused = refusal_of(NewClient, {"code": "A1", "birth_year": "abc"})
    assert str(refused) == "birth_year: abc is not a whole number"


def test_every_reason_the_storage_layer_gives_has_words_in_both_catalogues():
    from hecht.schema.inputs import ENGLISH, REASONS

    for language in ("en", "nl"):
        keys = Messages(language).keys()
        assert {f"input.{reason}" for reason in {*REASONS.values(), *ENGLISH}} <= keys


@pytest.mark.parametrize(
    ("typed", "english", "dutch"),
    [
        (
            "MOM-01",
            "code MOM-01 is already in use: choose another code",
            "code MOM-01 is al in gebruik: kies een andere code",
        ),
        (
            "mom-01",
            "code MOM-01 is already in use (codes are the same whatever their case): "
            "choose another code",
            "code MOM-01 is al in gebruik (hoofd- en kleine letters maken een code niet "
            "anders): kies een andere code",
        ),
    ],
    ids=["same case", "another case, named"],
)
def test_a_code_already_in_use_is_refused_in_the_users_language(tmp_path, typed, english, dutch):
    from hecht.schema.context import Actor
    from hecht.schema.db.database import open_database, unit_of_work
    from hecht.schema.errors import ConflictError
    from hecht.schema.services.clients import create_client

    engine = open_database(f"sqlite:///{tmp_path / 'hecht.db'}")
    actor = Actor(user_id=None, access_point="test")
    with unit_of_work(engine) as session:
        create_client(session=session, actor=actor, new=NewClient(code="MOM-01"))
    with pytest.raises(ConflictError) as refused, unit_of_work(engine) as session:
        create_client(session=session, actor=actor, new=NewClient(code=typed))
    engine.dispose()
    wording = {lang: service_error_text(refused.value, Messages(lang)) for lang in ("en", "nl")}
    assert wording == {"en": english, "nl": dutch}


@pytest.mark.parametrize(
    ("due", "birth", "english", "dutch"),
    [
        (
            date(2028, 6, 1), None,
            "due date: 1 Jun 2028 is more than 45 weeks away; check the year",
            "uitgerekende datum: 01-06-2028 ligt meer dan 45 weken vooruit; controleer het jaar",
        ),
        (
            None, date(2026, 12, 10),
            "birth date: 10 Dec 2026 lies in the future",
            "geboortedatum: 10-12-2026 ligt in de toekomst",
        ),
        (
            date(2027, 3, 1), date(2026, 9, 1),
            "birth date: 1 Sept 2026 is more than 24 weeks before the due date 1 Mar 2027",
            "geboortedatum: 01-09-2026 ligt meer dan 24 weken vóór de uitgerekende datum "
            "01-03-2027",
        ),
        (
            date(2026, 9, 1), date(2026, 11, 1),
            "birth date: 1 Nov 2026 is more than 6 weeks after the due date 1 Sept 2026",
            "geboortedatum: 01-11-2026 ligt meer dan 6 weken na de uitgerekende datum 01-09-2026",
        ),
    ],
)  # fmt: skip
def test_impossible_episode_dates_are_refused_in_the_users_words_and_date_format(
    due, birth, english, dutch
):
    """The episode form showed the storage layer's English, with field names and ISO dates."""
    with pytest.raises(InvalidInputError) as refused:
        check_dates(date(2026, 12, 2), due, birth)
    assert english in service_error_text(refused.value, Messages("en"))
    assert dutch in service_error_text(refused.value, Messages("nl"))


def test_a_second_open_episode_is_refused_naming_whose_dossier_holds_the_first():
    from hecht.schema.errors import ConflictError

    refused = ConflictError(
        "…", field="client_code", reason="open_episode",
        details={"given": "DAD-1", "since": date(2026, 10, 1)},
    )  # fmt: skip
    assert service_error_text(refused, Messages("en")) == (
        "client “DAD-1” is already in care in an open episode (since 1 Oct 2026): close that "
        "episode first (in the dossier of “DAD-1”: p, then fill in the end of care)"
    )
    assert "(sinds 01-10-2026)" in service_error_text(refused, Messages("nl"))


def test_a_day_outside_its_episode_is_refused_with_the_episodes_limit_in_both_languages():
    refused = InvalidInputError(
        "observed_on: 2026-10-31 is before the episode began (2026-11-01)",
        field="observed_on",
        reason="before_episode",
        details={"given": date(2026, 10, 31), "limit": date(2026, 11, 1)},
    )
    assert service_error_text(refused, Messages("en")) == (
        "date filled in: 31 Oct 2026 is before the episode began (1 Nov 2026); check the date"
    )
    assert service_error_text(refused, Messages("nl")) == (
        "datum van invullen: 31-10-2026 ligt vóór het begin van het traject (01-11-2026); "
        "controleer de datum"
    )


def test_a_visit_whose_dossier_was_destroyed_meanwhile_is_refused_in_the_users_language(tmp_path):
    # a colleague destroys the dossier (on the client's request) while the visit is open here
    from hecht.schema.context import Actor
    from hecht.schema.db.database import open_database, unit_of_work
    from hecht.schema.errors import NotFoundError
    from hecht.schema.services import destroy, visits
    from tests.schema.conftest import Practice

    engine = open_database(f"sqlite:///{tmp_path / 'hecht.db'}")
    actor = Actor(user_id=None, access_point="test")
    with unit_of_work(engine) as session:
        practice = Practice(session, actor)
        episode = practice.episode(practice.client("MOM-1"), date(2026, 10, 1))
        visit = practice.visit(episode, ["MOM-1"], date(2026, 10, 8)).lineage_id
    with unit_of_work(engine) as session:
        destroy.destroy_client(session=session, actor=actor, code="MOM-1")
    with pytest.raises(NotFoundError) as refused, unit_of_work(engine) as session:
        visits.correct_visit(
            session=session, actor=actor, lineage_id=visit, changes={"note": "x"}, reason="typo"
        )
    engine.dispose()
    wording = {lang: service_error_text(refused.value, Messages(lang)) for lang in ("en", "nl")}
    assert wording["en"].startswith("this visit is no longer stored: the client's dossier")
    assert wording["nl"].startswith("dit bezoek staat niet meer in de database: het dossier")


def test_every_record_that_can_be_gone_is_said_gone_in_both_languages():
    from hecht.schema.tables import VersionedRecord

    kinds = {model.__name__.lower() for model in VersionedRecord.__subclasses__()}
    assert kinds == {"episode", "visit", "administration"}
    for language in ("en", "nl"):
        keys = Messages(language).keys()
        assert {f"input.no_{kind}" for kind in {*kinds, "alert", "couple"}} <= keys
