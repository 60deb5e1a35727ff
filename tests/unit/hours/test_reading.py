"""Valid strings that most likely do not mean what the library reads: the partner is asked to confirm."""

from __future__ import annotations

import colander
import deform
import pytest

from guide import hours
from schemas import configure_renderer
from schemas.widgets import OpeningHoursWidget


def test_a_bare_day_after_a_comma_and_a_space_is_open_all_day() -> None:
    value = 'Mo-Sa "nach Vereinbarung"; Su, PH Off'
    assert "le dimanche, 24 h/24" in hours.describe(value)
    warning = hours.reading_warning(value)
    assert warning is not None
    assert "« Su » sans heure veut dire ouvert 24 h/24 le dimanche" in warning
    assert "Lus ainsi : « du lundi au samedi : nach Vereinbarung ; le dimanche, 24 h/24 ;" in warning
    assert 'Vouliez-vous écrire « Mo-Sa "nach Vereinbarung"; Su,PH Off »' in warning
    assert "Confirmer ces horaires" in warning


def test_a_later_rule_erasing_the_lunch_service() -> None:
    value = "We-Su 12:00-14:30; Mo-Su 18:00-22:30"
    assert hours.describe(value) == "tous les jours de 18 h à 22 h 30"
    warning = hours.reading_warning(value)
    assert warning is not None
    assert "« Mo-Su 18:00-22:30 » remplace « We-Su 12:00-14:30 » du mercredi au dimanche" in warning
    assert "Lus ainsi : « tous les jours de 18 h à 22 h 30 »" in warning
    assert "Vouliez-vous écrire « We-Su 12:00-14:30, Mo-Su 18:00-22:30 »" in warning
    assert "du mercredi au dimanche de 12 h à 14 h 30 et de 18 h à 22 h 30" in warning


def test_months_then_an_nth_weekday_without_a_colon_are_a_date() -> None:
    warning = hours.reading_warning("Mar,Jun,Sep,Dec Sa[1] 10:00-12:00")
    assert warning is not None
    assert "Vouliez-vous écrire « Mar,Jun,Sep,Dec: Sa[1] 10:00-12:00 »" in warning
    assert "le 1er samedi du mois de 10 h à 12 h" in warning


@pytest.mark.parametrize(
    "value",
    [
        "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
        "Mo-Fr 09:00-18:00; Fr 09:00-12:00",  # a shorter Friday: overriding on purpose
        "24/7",
        "Mo-Su open",
        "Dec Sa[1] 10:00-12:00",
        "We[1,3] 14:00-17:00",
        "",
        "n'importe quoi",  # invalid: the validator explains it, not this warning
    ],
)
def test_strings_read_as_meant_have_no_warning(value: str) -> None:
    assert hours.reading_warning(value) is None


class _Schema(colander.MappingSchema):
    horaires = colander.SchemaNode(colander.String(), missing="", widget=OpeningHoursWidget())


def _controls(**fields: str) -> list[tuple[str, str]]:
    return [("__start__", "horaires:mapping"), *fields.items(), ("__end__", "horaires:mapping")]


def test_the_form_keeps_the_string_and_asks_for_a_confirmation() -> None:
    configure_renderer()
    value = "We-Su 12:00-14:30; Mo-Su 18:00-22:30"
    form = deform.Form(_Schema())
    with pytest.raises(deform.ValidationFailure) as failure:
        form.validate(_controls(mode="raw", raw=value))
    html = failure.value.render()
    assert "Confirmer ces horaires" in html
    assert "remplace" in html
    assert f'value="{value}"' in html  # what was typed is still there
    assert deform.Form(_Schema()).validate(_controls(mode="raw", raw=value, confirm_reading=value)) == {
        "horaires": value
    }


def test_a_confirmation_of_another_string_does_not_count() -> None:
    form = deform.Form(_Schema())
    with pytest.raises(deform.ValidationFailure):
        form.validate(_controls(mode="raw", raw="Mo-Fr 09:00-12:00; Sa", confirm_reading="Mo-Fr 09:00-12:00"))


def test_a_monthly_rule_erasing_the_weekly_morning() -> None:
    warning = hours.reading_warning("Mo-Fr 09:00-12:00; We[1,3] 14:00-17:00")
    assert warning is not None
    assert "« We[1,3] 14:00-17:00 » remplace « Mo-Fr 09:00-12:00 » le mercredi" in warning
    assert "Vouliez-vous écrire « Mo-Fr 09:00-12:00, We[1,3] 14:00-17:00 »" in warning


def test_a_string_read_as_meant_is_saved_without_confirmation() -> None:
    value = "Mo-Fr 09:00-12:00, We[1,3] 14:00-17:00"
    assert deform.Form(_Schema()).validate(_controls(mode="raw", raw=value)) == {"horaires": value}
