"""Validation of opening_hours strings: French advice and the complexity limits."""

from __future__ import annotations

import pytest

from guide import hours
from guide.hours import DAYS

from .common import STANDARD


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "24/7",
        STANDARD,
        "Mo-Fr 9:00-12:00",
        "mo-fr 09:00-12:00",
        "Mo-Fr 09:00-12:00 ; Sa 10:00-12:00",
        "off",
        '"sur rendez-vous"',
        "Mo-Fr 09:00-12:00; Dec 24-Jan 02 off",
        "Mo-Su 22:00-02:00",
        " Mo-Fr 09:00-12:00 ",
    ],
)
def test_validate_accepts(value):
    assert hours.validate(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "9-12",
            "Horaires non reconnus près de « 9-12 » : écrivez les heures et les minutes sur deux chiffres, "
            "par exemple 09:00-12:00.",
        ),
        (
            "Mo-Fr 8:30-12",
            "Horaires non reconnus près de « 8:30-12 » : écrivez les heures et les minutes sur deux "
            "chiffres, par exemple 09:00-12:00.",
        ),
        (
            "Mo-Fr 9h-12h",
            "Horaires non reconnus près de « 9h-12h » : écrivez les heures avec deux-points, "
            "par exemple 09:00-12:00 (et non 9h-12h).",
        ),
        (
            "Lu-Ve 09:00-12:00",
            "Horaires non reconnus près de « Lu-Ve » : écrivez les jours avec leurs abréviations anglaises : "
            "Mo (lundi), Tu (mardi), We (mercredi), Th (jeudi), Fr (vendredi), Sa (samedi), Su (dimanche) ; "
            "par exemple Mo-Fr pour « du lundi au vendredi ».",
        ),
        (
            "Mo-Fr 09:00-12:00 14:00-17:00",
            "Horaires non reconnus près de « 14:00-17:00 » : séparez les créneaux d'une même journée par une "
            "virgule, sans espace, par exemple 09:00-12:00,14:00-17:00.",
        ),
        (
            "Mo-Fr 09:00-12:00 Sa 10:00-12:00",
            "Horaires non reconnus près de « Sa » : séparez les règles par un point-virgule, "
            "par exemple Mo-Fr 09:00-12:00; Sa 09:00-12:00.",
        ),
        ("24/24", "Horaires non reconnus près de « 24/24 » : pour une ouverture permanente, écrivez 24/7."),
        (
            "Mo-Fr 09:00-12:00;",
            "Horaires non reconnus à la fin du texte : supprimez le « ; » en trop à la fin.",
        ),
        (
            "Mo - Fr 09:00-12:00",
            "Horaires non reconnus près de « Mo - Fr » : n'ajoutez pas d'espace autour du tiret : "
            "écrivez Mo-Fr ou 09:00-12:00.",
        ),
        (
            "Mo-Fr 25:00-26:00",
            "Horaires non reconnus près de « 25:00-26:00 » : l'heure « 25:00 » n'existe pas : "
            "écrivez une heure entre 00:00 et 24:00.",
        ),
        (
            "Mo-Fr 09:60-12:00",
            "Horaires non reconnus près de « 09:60-12:00 » : l'heure « 09:60 » n'existe pas : "
            "écrivez une heure entre 00:00 et 24:00.",
        ),
        (
            "Mo-Fr 09:00–12:00",
            "Horaires non reconnus près de « 09:00–12:00 » : utilisez le tiret simple (-) du clavier, "
            "par exemple 09:00-12:00.",
        ),
        (
            "Mo-Fr 09:00-12:00 fermé",
            "Horaires non reconnus près de « fermé » : pour indiquer une fermeture, écrivez off, "
            "par exemple « We off » ou « PH off ».",
        ),
        (
            "Mo-Fr 09:00-12:00; jours fériés off",
            "Horaires non reconnus près de « jours » : les jours fériés s'écrivent PH, "
            "par exemple « PH off » pour « fermé les jours fériés ».",
        ),
        (
            "Mo-Fr 09:00-12:00; ph off",
            "Horaires non reconnus près de « ph » : écrivez PH (jours fériés) et SH (vacances scolaires) en "
            "majuscules, par exemple PH off.",
        ),
        (
            "juillet-août off",
            "Horaires non reconnus près de « juillet-août » : écrivez les mois avec leurs abréviations "
            "anglaises : Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec (par exemple Jul-Aug "
            "pour juillet et août).",
        ),
        (
            "Mon-Fri 09:00-17:00",
            "Horaires non reconnus près de « Mon-Fri » : les jours s'écrivent avec deux lettres : "
            "Mo, Tu, We, Th, Fr, Sa, Su (par exemple Mo-Fr).",
        ),
        (
            'Mo-Fr 09:00-12:00 "sur rendez-vous',
            "Horaires non reconnus près de « \"sur rendez-vous » : un commentaire entre guillemets n'est pas "
            'refermé : ajoutez le guillemet (") manquant.',
        ),
        (
            "Mo-Fr 09:00-12:00\nSa 10:00-12:00",
            "Horaires non reconnus : écrivez les horaires sur une seule ligne, en séparant les règles par un "
            "point-virgule, par exemple Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off.",
        ),
        (
            "Mo-Fr 9:00-12:00 et 14:00-17:00",
            "Horaires non reconnus près de « et » : séparez les créneaux d'une même journée par une virgule, "
            "par exemple 09:00-12:00,14:00-17:00.",
        ),
        (
            "Mo-Fr: 09:00-12:00",
            "Horaires non reconnus près de « Mo-Fr: » : n'ajoutez pas de deux-points après les jours : "
            "écrivez par exemple Mo-Fr 09:00-12:00.",
        ),
        (
            "Mo-Fr 09:00-",
            "Horaires non reconnus à la fin du texte : le texte s'arrête trop tôt : vérifiez qu'il ne manque "
            "rien (par exemple l'heure de fin d'un créneau).",
        ),
        (
            "n'importe quoi",
            "Horaires non reconnus près de « n'importe » : vérifiez l'écriture. Exemple valide : "
            "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off.",
        ),
    ],
)
def test_validate_explains_in_french(value, expected):
    assert hours.validate(value) == expected


def test_validate_quotes_the_part_after_non_ascii_text():
    """The parser's column counts characters, not bytes."""
    message = hours.validate('Mo-Fr 09:00-12:00 "accueil à l\'étage"; Sa 9h-12h')
    assert message is not None
    assert "« 9h-12h »" in message


def test_validate_shortens_long_quotes():
    message = hours.validate("Mo-Fr " + "x" * 80)
    assert message is not None
    assert "« " + "x" * 59 + "… »" in message  # a word longer than twice the limit: cut anyway


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # already in capitals: the mistake is the missing semicolon, not the case
        ("Mo-Fr 09:00-12:00 PH off", "près de « PH » : séparez les règles par un point-virgule"),
        (
            "Mo-Fr 09:00-12:00; ph off",
            "près de « ph » : écrivez PH (jours fériés) et SH (vacances scolaires) en",
        ),
        (
            "Mo-Fr 09:00-12:00; SH PH off",
            "près de « SH PH » : séparez les jours par une virgule, sans espace",
        ),
        # the slot at fault is quoted whole, not a fragment of the list cut mid-time
        (
            "Mo-Fr 09:00-12:00,14:00-17:00,18:00-19:00x",
            "près de « 18:00-19:00x » : « x » est collé à l'heure 19:00",
        ),
    ],
)
def test_advice_names_the_real_mistake(value, expected):
    message = hours.validate(value)
    assert message is not None and expected in message
    assert "en majuscules" not in message or "ph" in value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mo-Fr 09:00-12:00 sur rendez-vous uniquement", "Mo-Fr 09:00-12:00 sur…"),
        ("09:00-12:00,14:00-17:00,18:00-19:00,20:00-21:00", "09:00-12:00,14:00-17:00,…"),
        ("Lundi-vendredi-samedi-dimanche-x", "Lundi-vendredi-samedi-dimanche-x"),
    ],
)
def test_shorten_never_cuts_a_word(text, expected):
    from guide.hours.wording import shorten

    assert shorten(text) == expected


def _spans(count: int) -> str:
    return ",".join(f"{i // 4:02d}:{i % 4 * 15:02d}-{i // 4:02d}:{i % 4 * 15 + 10:02d}" for i in range(count))


def test_limits_are_inclusive():
    comment = '"' + "x" * (hours.MAX_LENGTH - 2) + '"'
    assert len(comment) == hours.MAX_LENGTH
    assert hours.validate(comment) is None
    assert hours.validate("Mo " + comment).startswith("Horaires trop longs : 1000 caractères au plus")
    fifty = "; ".join(["Mo off"] * 50)
    assert hours.validate(fifty) is None
    assert "50 règles au plus (vous en avez écrit 51)" in hours.validate(fifty + "; Tu off")
    assert hours.validate(f"Mo {_spans(50)}") is None
    assert "50 créneaux horaires au plus (vous en avez écrit 51)" in hours.validate(f"Mo {_spans(51)}")


def test_two_seasons_of_seven_different_days_with_three_slots_fit_the_limits():
    week = "; ".join(f"{day} 08:00-10:00,10:30-12:00,14:00-17:30" for day in DAYS)
    value = f"Apr-Sep {week.replace('; ', '; Apr-Sep ')}; Oct-Mar {week.replace('; ', '; Oct-Mar ')}; PH off"
    assert hours.validate(value) is None
    assert hours.describe(value)


def test_separators_and_times_inside_comments_do_not_count():
    comment = '"' + "; 09:00-10:00" * 60 + '"'
    assert hours.complexity_problem(f"Mo-Fr 09:00-12:00 {comment}") is None
    assert hours.validate(f"Mo-Fr 09:00-12:00 {comment}") is None
