"""Input normalisation shared by the forms and the importer."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from guide import normalize
from guide.normalize import NormalizeError


def error_of(function, value) -> str:
    with pytest.raises(NormalizeError) as info:
        function(value)
    return info.value.message


def test_normalize_error_is_a_value_error_with_a_message():
    error = NormalizeError("Message en français.")
    assert isinstance(error, ValueError)
    assert error.message == "Message en français."
    assert str(error) == "Message en français."


# --------------------------------------------------------------------------------------------------
# Telephone numbers
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0473980781", "04 73 98 07 81"),
        ("04 73 98 07 81", "04 73 98 07 81"),
        ("04.73.98.07.81", "04 73 98 07 81"),
        ("04-73-98-07-81", "04 73 98 07 81"),
        ("04/73/98/07/81", "04 73 98 07 81"),
        (" 04 73 98 07 81 ", "04 73 98 07 81"),
        ("04\u00a073\u00a098\u00a007\u00a081", "04 73 98 07 81"),  # non-breaking spaces
        ("04\u202f73\u202f98\u202f07\u202f81", "04 73 98 07 81"),  # narrow non-breaking spaces
        ("+33 4 73 98 07 81", "04 73 98 07 81"),
        ("+33473980781", "04 73 98 07 81"),
        ("+33 (0)4 73 98 07 81", "04 73 98 07 81"),
        ("+33 04 73 98 07 81", "04 73 98 07 81"),
        ("0033473980781", "04 73 98 07 81"),
        ("0033 4 73 98 07 81", "04 73 98 07 81"),
        ("33 4 73 98 07 81", "04 73 98 07 81"),
        ("tel:+33473980781", "04 73 98 07 81"),
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("0 800 123 456", "08 00 12 34 56"),  # free number
        ("０４７３９８０７８１", "04 73 98 07 81"),  # full-width digits
        # overseas departments
        ("+262 262 12 34 56", "02 62 12 34 56"),
        ("+590 690 12 34 56", "06 90 12 34 56"),
        ("0262 12 34 56", "02 62 12 34 56"),  # La Réunion, written the local way
        ("+262 269 61 23 45", "02 69 61 23 45"),  # Mayotte
        ("+594 594 12 34 56", "05 94 12 34 56"),  # Guyane
        ("+596 696 12 34 56", "06 96 12 34 56"),  # Martinique
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 9 72 10 11 12", "09 72 10 11 12"),
        # short numbers are kept as they are
        ("3919", "3919"),  # violences femmes info
        ("39 19", "3919"),
        ("115", "115"),  # SAMU social
        ("17", "17"),
        ("15", "15"),
        ("112", "112"),
        ("119", "119"),  # enfance en danger
        ("3020", "3020"),
        ("116 006", "116 006"),  # aide aux victimes
        ("116006", "116 006"),
        ("116 111", "116 111"),  # enfance en danger (European number)
        ("3114", "3114"),  # prévention du suicide
        ("114", "114"),  # urgences pour les personnes sourdes ou malentendantes
    ],
)
def test_phone(value, expected):
    assert normalize.phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "abc",
        "04 73 98 07",  # too short
        "04 73 98 07 81 12",  # too long
        "00 73 98 07 81",
        "+1 212 555 1234",  # not French
        "+33 4 73 98 07",
        "+17",
        "04 73 98 07 81 (accueil)",
        "04+73980781",
        "4 73 98 07 81",  # the leading 0 is missing: ambiguous, refused
        "12345",
        "٠٤٧٣٩٨٠٧٨١",  # Arabic-Indic digits
        "1e10",
        "+32 2 123 45 67",  # Belgium: a valid number, but not a French one
        "0032 2 123 45 67",
        "+44 20 7946 0958",  # United Kingdom
        "+269 269 61 23 45",  # +269 is the Comoros, not Mayotte (+262)
        "04 00 00 00 00",  # a range never allocated
        "07 00 00 00 00",
        "+33 7 00 00 00 00",
        "100",  # short numbers that do not exist
        "1234",
        "0800",
        "33 04 73 98 07 81",
        "04 73 98 07 81 " * 1000,  # too long to be a number, however it is spaced
    ],
)
def test_phone_rejects(value):
    assert error_of(normalize.phone, value) == (
        "Numéro de téléphone non reconnu : indiquez 10 chiffres, par exemple 04 73 98 07 81."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("04 73 98 07 81", "tel:+33473980781"),
        ("+33 (0)4 73 98 07 81", "tel:+33473980781"),
        ("06.12.34.56.78", "tel:+33612345678"),
        ("3919", "tel:3919"),
        ("115", "tel:115"),
        ("116 006", "tel:116006"),
        ("02 62 12 34 56", "tel:+262262123456"),  # La Réunion
        ("0696 12 34 56", "tel:+596696123456"),  # Martinique
        ("0594 12 34 56", "tel:+594594123456"),  # Guyane
        ("0269 61 23 45", "tel:+262269612345"),  # Mayotte: +262 like La Réunion
        ("0263 12 34 56", "tel:+262263123456"),  # La Réunion
        ("0690 12 34 56", "tel:+590690123456"),  # Guadeloupe
        ("0590 27 12 34", "tel:+590590271234"),  # Saint-Barthélemy shares +590
        ("+33 6 12 34 56 78", "tel:+33612345678"),
        ("0 800 123 456", "tel:+33800123456"),
        ("116 111", "tel:116111"),
    ],
)
def test_phone_uri(value, expected):
    assert normalize.phone_uri(value) == expected


def test_phone_uri_rejects_like_phone():
    assert error_of(normalize.phone_uri, "pas un numéro").startswith("Numéro de téléphone non reconnu")


# --------------------------------------------------------------------------------------------------
# Postcodes and INSEE codes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("63000", "63000"), ("63 000", "63000"), (" 63100 ", "63100"), ("01000", "01000"), ("97400", "97400")],
)
def test_postcode(value, expected):
    assert normalize.postcode(value) == expected


@pytest.mark.parametrize("value", ["", "6300", "630000", "63OOO", "00100", "99000", "2A000", "６３０００x"])
def test_postcode_rejects(value):
    assert (
        error_of(normalize.postcode, value)
        == "Code postal non valide : indiquez 5 chiffres, par exemple 63000."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("63113", "63113"),  # Clermont-Ferrand
        ("63 113", "63113"),
        ("2A004", "2A004"),  # Ajaccio
        ("2a004", "2A004"),
        ("2B033", "2B033"),  # Bastia
        ("97411", "97411"),  # Saint-Denis (La Réunion)
    ],
)
def test_insee(value, expected):
    assert normalize.insee(value) == expected


@pytest.mark.parametrize("value", ["", "6311", "631130", "20004", "2C004", "2A04", "00113", "ABCDE"])
def test_insee_rejects(value):
    assert error_of(normalize.insee, value) == (
        "Code INSEE non valide : indiquez 5 caractères, des chiffres ou 2A/2B pour la Corse, "
        "par exemple 63113."
    )


# --------------------------------------------------------------------------------------------------
# SIRET
# --------------------------------------------------------------------------------------------------


def luhn_key(prefix: str) -> str:
    """The digit that makes ``prefix`` + digit pass the Luhn check (written independently of the module)."""
    for key in "0123456789":
        digits = [int(char) for char in reversed(prefix + key)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return key
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "value",
    [
        "21630113500010",  # Clermont-Ferrand city hall
        "83214586600014",  # generated
        "44306184100047",  # generated
        "12345678200010",  # generated
        "35600000000048",  # La Poste, head office: passes the Luhn check
        "35600000049837",  # La Poste rule: fails Luhn, digit sum 45 is a multiple of 5
    ],
)
def test_siret_valid(value):
    assert normalize.siret(value) == value


def test_siret_checksums_verified_by_hand():
    # 21630113500010 read from the right: 0 1 0 0 0 5 3 1 1 0 3 6 1 2.
    # Every second digit doubled (digits of the product added): 1→2, 0→0, 5→1, 1→2, 0→0, 6→3, 2→4 = 12;
    # the others: 0 + 0 + 0 + 3 + 1 + 3 + 1 = 8; 12 + 8 = 20, a multiple of 10.
    assert luhn_key("2163011350001") == "0"
    assert luhn_key("21630113") == "5"  # the SIREN 216 301 135 has a valid key too
    assert sum(int(char) for char in "35600000049837") == 45


def test_siret_strips_spaces():
    assert normalize.siret("216 301 135 00010") == "21630113500010"
    assert normalize.siret(" 216\u00a0301\u00a0135\u00a000010 ") == "21630113500010"


@pytest.mark.parametrize(
    ("value", "count"),
    [("2163011350001", 13), ("216301135000100", 15), ("216301135", 9)],
)
def test_siret_wrong_length(value, count):
    assert error_of(normalize.siret, value) == (
        f"Le numéro SIRET doit comporter 14 chiffres (vous en avez indiqué {count})."
    )


@pytest.mark.parametrize(
    "value", ["", "2163O113500010", "216-301-135-00010", "SIRET 21630113500010", "٢١٦٣٠١١٣٥٠٠٠١٠"]
)
def test_siret_not_digits(value):
    assert error_of(normalize.siret, value) == (
        "Le numéro SIRET ne doit contenir que des chiffres (14 chiffres, espaces permis)."
    )


@pytest.mark.parametrize(
    "value",
    [
        "21630113500011",  # last digit wrong
        "12630113500010",  # two digits swapped
        "35600000049838",  # La Poste: neither rule holds
        "83214586300011",  # the whole number passes the Luhn check, its SIREN 832 145 863 does not
        "12345678901237",  # idem: SIREN 123 456 789
        "35600000000014",  # La Poste (not its head office): passes Luhn, but its digit sum is 14
    ],
)
def test_siret_wrong_checksum(value):
    assert error_of(normalize.siret, value) == (
        "Ce numéro SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez qu'aucun chiffre n'a été "
        "inversé ou mal recopié."
    )


def complete_siret(head: str, nic: str) -> str:
    """A SIRET whose SIREN (``head`` + key) and whole number (+ ``nic`` + key) pass the Luhn check."""
    siren = head + luhn_key(head)
    return siren + nic + luhn_key(siren + nic)


@settings(max_examples=100)
@given(
    st.from_regex(r"[0-9]{8}", fullmatch=True),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.integers(0, 13),
    st.integers(1, 9),
)
def test_siret_luhn_property(head, nic, position, delta):
    """A completed number is valid; changing any single digit makes it invalid (outside La Poste)."""
    value = complete_siret(head, nic)
    assume(len(set(value)) > 1)  # 00000000000000 passes the keys but is refused as a placeholder
    assert normalize.siret(value) == value
    digits = list(value)
    digits[position] = str((int(digits[position]) + delta) % 10)
    altered = "".join(digits)
    if not altered.startswith("356000000"):
        with pytest.raises(NormalizeError):
            normalize.siret(altered)


# --------------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("accueil@ville-clermont-ferrand.fr", "accueil@ville-clermont-ferrand.fr"),
        ("Jean.Dupont@Example.FR", "Jean.Dupont@example.fr"),  # the local part keeps its case
        (" contact@ccas-clermont.fr ", "contact@ccas-clermont.fr"),
        ("mailto:contact@ccas-clermont.fr", "contact@ccas-clermont.fr"),
        ("prenom.nom+guide@exemple.org", "prenom.nom+guide@exemple.org"),
        ("élodie@exemple.fr", "élodie@exemple.fr"),
    ],
)
def test_email(value, expected):
    assert normalize.email(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Adresse électronique non valide : elle doit ressembler à nom@exemple.fr."),
        (
            "jean.dupont",
            "Adresse électronique non valide : il manque l'arobase (@), comme dans nom@exemple.fr.",
        ),
        ("jean dupont@exemple.fr", "Adresse électronique non valide : elle ne doit pas contenir d'espace."),
        ("jean@exemple", "Adresse électronique non valide : elle doit ressembler à nom@exemple.fr."),
        ("jean@@exemple.fr", "Adresse électronique non valide : elle doit ressembler à nom@exemple.fr."),
        ("@exemple.fr", "Adresse électronique non valide : elle doit ressembler à nom@exemple.fr."),
        ("jean@localhost", "Adresse électronique non valide : elle doit ressembler à nom@exemple.fr."),
        ("jean@exemple..fr", "Adresse électronique non valide : elle doit ressembler à nom@exemple.fr."),
    ],
)
def test_email_rejects(value, message):
    assert error_of(normalize.email, value) == message


# --------------------------------------------------------------------------------------------------
# Web addresses
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://clermont-ferrand.fr", "https://clermont-ferrand.fr"),
        ("http://clermont-ferrand.fr/", "http://clermont-ferrand.fr/"),
        ("www.clermont-ferrand.fr", "https://www.clermont-ferrand.fr"),
        ("clermont-ferrand.fr/demarches", "https://clermont-ferrand.fr/demarches"),
        (
            "HTTPS://Clermont-Ferrand.FR/Demarches?Page=2#Haut",
            "https://clermont-ferrand.fr/Demarches?Page=2#Haut",
        ),
        ("//exemple.fr/page", "https://exemple.fr/page"),
        ("exemple.fr:8080/page", "https://exemple.fr:8080/page"),
        ("https://exemple.fr:8443", "https://exemple.fr:8443"),
        (
            "https://www.service-public.fr/particuliers/vosdroits/F1234",
            "https://www.service-public.fr/particuliers/vosdroits/F1234",
        ),
        ("https://exämple.fr", "https://exämple.fr"),  # internationalised domain
        ("https://xn--exmple-cua.fr", "https://xn--exmple-cua.fr"),
    ],
)
def test_url(value, expected):
    assert normalize.url(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert(1)", "Seules les adresses web commençant par http:// ou https:// sont acceptées."),
        ("JavaScript:alert(1)", "Seules les adresses web commençant par http:// ou https:// sont acceptées."),
        (
            "data:text/html,<script>",
            "Seules les adresses web commençant par http:// ou https:// sont acceptées.",
        ),
        ("ftp://exemple.fr", "Seules les adresses web commençant par http:// ou https:// sont acceptées."),
        ("file:///etc/passwd", "Seules les adresses web commençant par http:// ou https:// sont acceptées."),
        (
            "mailto:contact@exemple.fr",
            "Ceci est une adresse électronique : indiquez-la dans le champ prévu pour le courriel.",
        ),
        (
            "https://exemple.fr/mon fichier.pdf",
            "Adresse web non valide : elle ne doit pas contenir d'espace.",
        ),
        ("java\tscript:alert(1)", "Adresse web non valide : elle ne doit pas contenir d'espace."),
        ("https://exemple.fr/\x00", "Adresse web non valide : elle ne doit pas contenir d'espace."),
        (
            "https://jean:secret@exemple.fr",
            "Adresse web non valide : elle ne doit pas contenir d'identifiant ni de mot de passe.",
        ),
        (
            "https://clermont-ferrand.fr@malveillant.example",
            "Adresse web non valide : elle ne doit pas contenir d'identifiant ni de mot de passe.",
        ),
        ("", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("exemple", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("http://localhost:6543", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("http://192.168.1.1", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("http:/exemple.fr", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("https://exemple.fr:99999", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("https://[::1", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("https://-exemple.fr", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("https://exemple.f", "Adresse web non valide : indiquez par exemple https://www.exemple.fr."),
        ("https://exemple.fr/" + "a" * 2000, "Adresse web trop longue."),
    ],
)
def test_url_rejects(value, message):
    assert error_of(normalize.url, value) == message


# --------------------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("45,7772", 45.7772),
        ("45.7772", 45.7772),
        (" 45,7772 ", 45.7772),
        ("45,7772°", 45.7772),
        ("-0,5", -0.5),
        ("+45", 45.0),
        ("90", 90.0),
        ("-90", -90.0),
        (",5", 0.5),
        ("４５,５", 45.5),  # full-width digits, folded like in phone numbers
        (45.7772, 45.7772),
        (45, 45.0),
    ],
)
def test_latitude(value, expected):
    assert normalize.latitude(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("3,0870", 3.087), ("-180", -180.0), ("180", 180.0), (3.087, 3.087)]
)
def test_longitude(value, expected):
    assert normalize.longitude(value) == expected


@pytest.mark.parametrize(
    "value", ["", "abc", "45 7772", "45,77,72", "45.7.7", "1e1", "nan", "inf", True, None]
)
def test_latitude_rejects_non_numbers(value):
    assert error_of(normalize.latitude, value) == (
        "Latitude non valide : indiquez un nombre décimal entre -90 et 90, par exemple 45,7772."
    )


def test_coordinates_out_of_range():
    assert error_of(normalize.latitude, "90,0001") == "La latitude doit être comprise entre -90 et 90."
    assert error_of(normalize.latitude, -91) == "La latitude doit être comprise entre -90 et 90."
    assert error_of(normalize.longitude, "180,5") == "La longitude doit être comprise entre -180 et 180."
    assert error_of(normalize.longitude, float("nan")) == (
        "Longitude non valide : indiquez un nombre décimal entre -180 et 180, par exemple 3,0870."
    )


# --------------------------------------------------------------------------------------------------
# Arbitrary input: a NormalizeError or a value, nothing else; normalised values are stable
# --------------------------------------------------------------------------------------------------

TEXT_FUNCTIONS = [
    normalize.phone,
    normalize.phone_uri,
    normalize.postcode,
    normalize.insee,
    normalize.siret,
    normalize.email,
    normalize.url,
    normalize.latitude,
    normalize.longitude,
]

# Text that looks a bit like real input, to reach deeper than the first check.
plausible_text = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 .+-()/", max_size=20),
    st.text(alphabet="0123456789AB ", max_size=16),
    st.from_regex(r"[a-zA-Z0-9._%+-]{0,12}@[a-zA-Z0-9.-]{0,12}", fullmatch=True),
    st.from_regex(r"(https?://|//|[a-z]+:)?[a-zA-Z0-9.@:\[\]-]{0,20}(/[^\s]{0,10})?", fullmatch=True),
    st.from_regex(r"[+-]?[0-9]{0,3}[,.]?[0-9]{0,5}°?", fullmatch=True),
)


# What is normalised once is left as it is when normalised again (coordinates are floats, not text).
IDEMPOTENT = {
    normalize.phone,
    normalize.postcode,
    normalize.insee,
    normalize.siret,
    normalize.email,
    normalize.url,
}


# One drawn text serves both properties (never anything but NormalizeError; idempotent where it applies):
# they were two tests drawing the same strategy (1,500 examples; now 900 make the same checks).
@settings(max_examples=100, deadline=None)
@pytest.mark.parametrize("function", TEXT_FUNCTIONS, ids=lambda function: function.__name__)
@given(value=plausible_text)
def test_arbitrary_text_never_raises_anything_but_normalize_error_and_normalising_is_idempotent(
    function, value
):
    try:
        result = function(value)
    except NormalizeError as error:
        assert error.message and isinstance(error.message, str)
        return
    assert isinstance(result, str | float)
    if function in IDEMPOTENT:
        assert function(result) == result


NON_TEXT = [
    pytest.param(function, value, id=f"{function.__name__}-{value!r}")
    for function in TEXT_FUNCTIONS
    for value in (None, 12, b"0473980781", ["04"])
    if not (
        function in (normalize.latitude, normalize.longitude) and isinstance(value, int)
    )  # valid coordinates
]


@pytest.mark.parametrize(("function", "value"), NON_TEXT)
def test_non_text_input_raises_normalize_error(function, value):
    with pytest.raises(NormalizeError):
        function(value)
