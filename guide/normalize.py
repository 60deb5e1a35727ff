"""Normalisation of what people type in forms and what the importer reads.

Each function returns the normalised value or raises :class:`NormalizeError`, whose ``message`` is a
French sentence meant to be shown next to the field.  They accept any text and never raise anything
else, so they can be used on untrusted input.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from urllib.parse import SplitResult, urlsplit, urlunsplit

import email_validator
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import shortnumberinfo
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret
from translationstring import TranslationStringFactory

# Messages people see beside a field, public forms included: catalogue entries of the guide (French source)
_ = TranslationStringFactory("guide")


class NormalizeError(ValueError):
    """A value that cannot be normalised; ``message`` explains why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Invisible characters that can disguise text (« Aide \u202esreipap » shows « Aide papiers »): every
# format character (Unicode category Cf: bidi embeddings, overrides, isolates and marks, zero-width space,
# word joiner, BOM, soft hyphen, tag characters…) but the joiners that emoji and some scripts need, and
# the Hangul fillers that render as nothing.
_KEPT_FORMAT = frozenset("\u200c\u200d")
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def strip_invisible(text: str) -> str:
    """``text`` without the invisible characters that could disguise it (one place for forms and imports)."""
    if text.isascii():
        return text
    return "".join(
        char
        for char in text
        if char in _KEPT_FORMAT or (unicodedata.category(char) != "Cf" and char not in _INVISIBLE_LETTERS)
    )


def _text(value: object, message: str) -> str:
    """``value`` as text, with compatibility forms folded (non-breaking spaces, full-width digits…)
    and invisible characters removed."""
    if not isinstance(value, str):
        raise NormalizeError(message)
    return unicodedata.normalize("NFKC", strip_invisible(value)).strip()


# --------------------------------------------------------------------------------------------------
# Telephone numbers
# --------------------------------------------------------------------------------------------------

PHONE_MESSAGE = _("Numéro de téléphone non reconnu : indiquez 10 chiffres, par exemple 04 73 98 07 81.")

# The numbers the guide accepts are those written with 10 digits in France: metropolitan France and the
# overseas departments, which have their own country codes (La Réunion and Mayotte +262; Guadeloupe,
# Saint-Martin and Saint-Barthélemy +590; Guyane +594; Martinique +596).  phonenumbers knows which ranges
# are allocated and to whom.  A national number (« 0262 12 34 56 ») is a fixed or mobile line of an
# overseas department when phonenumbers says so (some of their ranges are also listed as metropolitan
# ones: « 0263 », « 0269 », « 0596 6x »), metropolitan otherwise (the 08 and 09 numbers are shared by the
# whole numbering plan); the country code decides where a tel: link rings.
_FRENCH_COUNTRY_CODES = frozenset({33, 262, 590, 594, 596})
_OVERSEAS_COUNTRY_CODES = (262, 590, 594, 596)
_LINE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)
# Only the characters people write in a number: phonenumbers alone would also read letters (« 0800
# FLEURS »), extensions and trailing words, which a form should refuse.
_PHONE_CHARACTERS = re.compile(r"\+?[0-9\s.\-/()]+")


def _parse(value: object) -> phonenumbers.PhoneNumber | str:
    """A French number (metropolitan or overseas) or, as its digits, a short number (« 3919 »)."""
    text = _text(value, PHONE_MESSAGE)
    number = _parse_text(text) if len(text) <= _PHONE_MAX_LENGTH else None
    if number is None:
        raise NormalizeError(PHONE_MESSAGE)
    return number


# Pages and printed editions show the same stored numbers again and again; phonenumbers takes about 0.1 ms
# to check one. Longer texts are no phone number, whatever their separators, and are not kept.
_PHONE_MAX_LENGTH = 50


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str) -> phonenumbers.PhoneNumber | str | None:
    """What :func:`_parse` returns, or None when ``text`` is not a French number."""
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = text.replace("(0)", "")
    if not text or not _PHONE_CHARACTERS.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if not international and len(digits) == 11 and digits.startswith("33") and digits[2] != "0":
        international = True  # « 33 4 73 98 07 81 », the + forgotten
    if international:
        number = _valid(f"+{digits.removeprefix('00')}")
    elif len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        # The trunk 0 is required: « 4 73 98 07 81 » is ambiguous and refused.
        # The national significant number is what follows the trunk 0 (no parsing needed: the shape is
        # checked above, and phonenumbers' parser is slow enough to show on a printed edition).
        national = int(digits[1:])
        lines = (_checked(code, national, _LINE_TYPES) for code in _OVERSEAS_COUNTRY_CODES)
        number = next((line for line in lines if line is not None), None)
        if number is None:
            number = _checked(33, national)
    else:
        if digits and not digits.startswith("0") and len(digits) <= 6:
            short = phonenumbers.PhoneNumber(country_code=33, national_number=int(digits))
            if shortnumberinfo.is_valid_short_number_for_region(short, "FR"):
                return digits  # emergency numbers, 3919, 115, the European 116 xxx helplines…
        number = None
    return number


def _valid(text: str) -> phonenumbers.PhoneNumber | None:
    """``text``, an international number (« +33… »), if it is a valid French one."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    return _checked(number.country_code, number.national_number)


def _checked(
    country_code: int, national: int, types: frozenset[int] | None = None
) -> phonenumbers.PhoneNumber | None:
    """The number, if it is French (metropolitan or overseas), valid, with a 9-digit national part, and
    of one of ``types`` when given."""
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=national)
    if (
        country_code in _FRENCH_COUNTRY_CODES
        and len(str(national)) == 9
        and phonenumbers.is_valid_number(number)
        and (types is None or phonenumbers.number_type(number) in types)
    ):
        return number
    return None


def phone(value: str) -> str:
    """« 04 73 98 07 81 » for a French number in any usual writing; short numbers (« 3919 ») unchanged.

    Accepted: « 0473980781 », « 04.73.98.07.81 », « +33 4 73 98 07 81 », « +33 (0)4 73 98 07 81 »,
    « 0033473980781 », overseas numbers (« +262 262 12 34 56 »), 116 xxx helplines (« 116 006 »).
    Refused: numbers of other countries and ranges that were never allocated (« 04 00 00 00 00 »).
    """
    number = _parse(value)
    if isinstance(number, str):
        return f"{number[:3]} {number[3:]}" if len(number) == 6 else number
    digits = f"0{number.national_number}"
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def phone_uri(value: str) -> str:
    """A ``tel:`` link: « tel:+33473980781 », « tel:+262262123456 », short numbers « tel:3919 »."""
    number = _parse(value)
    if isinstance(number, str):
        return f"tel:{number}"
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --------------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------------

POSTCODE_MESSAGE = "Code postal non valide : indiquez 5 chiffres, par exemple 63000."
INSEE_MESSAGE = (
    "Code INSEE non valide : indiquez 5 caractères, des chiffres ou 2A/2B pour la Corse, par exemple 63113."
)
# Postcodes and INSEE codes stay hand-written: python-stdnum has no module for either (its stdnum.fr
# covers SIREN, SIRET, NIF, NIR, TVA, RCS and excise numbers), and knowing which codes exist would need
# the official lists, a data set the guide does not ship.  The shape is what these two checks know.


def postcode(value: str) -> str:
    """A French postcode: 5 digits (« 63 000 » → « 63000 »), departments 01 to 95, 97 and 98."""
    text = re.sub(r"\s", "", _text(value, POSTCODE_MESSAGE))
    if not re.fullmatch(r"[0-9]{5}", text) or text[:2] in ("00", "96", "99"):
        raise NormalizeError(POSTCODE_MESSAGE)
    return text


def insee(value: str) -> str:
    """A commune's INSEE code: 5 digits, or 2A/2B and 3 digits for Corsica (upper-cased)."""
    text = re.sub(r"\s", "", _text(value, INSEE_MESSAGE)).upper()
    if re.fullmatch(r"2[AB][0-9]{3}", text):
        return text
    if not re.fullmatch(r"[0-9]{5}", text) or text[:2] in ("00", "20", "96", "99"):
        raise NormalizeError(INSEE_MESSAGE)
    return text


SIRET_LENGTH_MESSAGE = "Le numéro SIRET doit comporter 14 chiffres (vous en avez indiqué {count})."
SIRET_DIGITS_MESSAGE = "Le numéro SIRET ne doit contenir que des chiffres (14 chiffres, espaces permis)."
SIRET_PLACEHOLDER_MESSAGE = (
    "Ce numéro SIRET n'est pas un vrai numéro (tous ses chiffres sont identiques) : laissez le champ vide "
    "si vous ne le connaissez pas."
)
SIRET_CHECKSUM_MESSAGE = (
    "Ce numéro SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez qu'aucun chiffre n'a été "
    "inversé ou mal recopié."
)


def siret(value: str) -> str:
    """A SIRET: 14 digits (spaces removed) whose keys python-stdnum checks.

    The Luhn key of the whole number and the one of its SIREN (the 9 first digits: no establishment
    exists under a SIREN with a wrong key); La Poste's establishments (SIREN 356 000 000) are numbered
    with another rule, which stdnum knows: the sum of the digits is a multiple of 5.  The format and
    length are checked here first, for the French message that says what is wrong.
    """
    text = re.sub(r"\s", "", _text(value, SIRET_DIGITS_MESSAGE))
    if not text or not text.isascii() or not text.isdigit():
        raise NormalizeError(SIRET_DIGITS_MESSAGE)
    if len(text) != 14:
        raise NormalizeError(SIRET_LENGTH_MESSAGE.format(count=len(text)))
    if len(set(text)) == 1:  # 00000000000000 passes the Luhn keys: a placeholder, not a number
        raise NormalizeError(SIRET_PLACEHOLDER_MESSAGE)
    try:
        return stdnum_siret.validate(text)
    except StdnumValidationError as exc:
        raise NormalizeError(SIRET_CHECKSUM_MESSAGE) from exc


# --------------------------------------------------------------------------------------------------
# E-mail and web addresses
# --------------------------------------------------------------------------------------------------

EMAIL_MESSAGE = _("Adresse électronique non valide : elle doit ressembler à nom@exemple.fr.")
# The demo accounts are @guide.localhost: that special-use domain (RFC 6761) names this machine and
# reaches nobody else, so it is accepted like any domain; the other special-use ones (.test, .invalid,
# .onion…) stay refused. email-validator has no option for it: its list is adjusted here, once.
email_validator.SPECIAL_USE_DOMAIN_NAMES[:] = [
    name for name in email_validator.SPECIAL_USE_DOMAIN_NAMES if name != "localhost"
]


def email(value: str) -> str:
    """An e-mail address, syntax checked, with its domain lower-cased (no DNS lookup)."""
    text = _text(value, EMAIL_MESSAGE)
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        raise NormalizeError(EMAIL_MESSAGE)
    if "@" not in text:
        raise NormalizeError(
            _("Adresse électronique non valide : il manque l'arobase (@), comme dans nom@exemple.fr.")
        )
    if any(char.isspace() for char in text):
        raise NormalizeError(_("Adresse électronique non valide : elle ne doit pas contenir d'espace."))
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise NormalizeError(EMAIL_MESSAGE) from exc
    except ValueError as exc:  # e.g. UnicodeError from IDNA encoding of odd domains
        raise NormalizeError(EMAIL_MESSAGE) from exc
    return result.normalized


URL_MESSAGE = _("Adresse web non valide : indiquez par exemple https://www.exemple.fr.")
URL_SCHEME_MESSAGE = "Seules les adresses web commençant par http:// ou https:// sont acceptées."
_URL_MAX_LENGTH = 2000
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _host_ok(host: str) -> bool:
    """A public-looking domain name: labels of letters, digits and hyphens, and a top-level domain."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2 or len(ascii_host) > 253:
        return False
    if not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return False
    top = labels[-1]
    return (top.isalpha() and len(top) >= 2) or top.startswith("xn--")


def url(value: str) -> str:
    """An http(s) address; « www.exemple.fr » becomes « https://www.exemple.fr ».

    Refused: other schemes (javascript:, data:, mailto:, ftp:…), spaces, user names in the address,
    hosts that are not domain names (« localhost », IP addresses).  Scheme and host are lower-cased.
    """
    text = _text(value, URL_MESSAGE)
    if not text:
        raise NormalizeError(URL_MESSAGE)
    if len(text) > _URL_MAX_LENGTH:
        raise NormalizeError("Adresse web trop longue.")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in text):
        raise NormalizeError("Adresse web non valide : elle ne doit pas contenir d'espace.")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        # « exemple.fr:8080/page » has no scheme; « javascript:… », « mailto:… » have one we refuse.
        if "." in scheme.group(1) and re.match(r"[^:]+:[0-9]+(?:[/?#]|$)", text):
            scheme = None
        elif scheme.group(1).lower() == "mailto":
            raise NormalizeError(
                "Ceci est une adresse électronique : indiquez-la dans le champ prévu pour le courriel."
            )
        else:
            raise NormalizeError(URL_SCHEME_MESSAGE)
    if scheme is None:
        text = "https:" + text if text.startswith("//") else "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = parts.port
    except ValueError as exc:
        raise NormalizeError(URL_MESSAGE) from exc
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise NormalizeError(URL_MESSAGE)
    if parts.username is not None or parts.password is not None:
        raise NormalizeError(
            "Adresse web non valide : elle ne doit pas contenir d'identifiant ni de mot de passe."
        )
    if not _host_ok(host):
        raise NormalizeError(URL_MESSAGE)
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit(SplitResult(parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


# --------------------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------------------

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _coordinate(value: object, name: str, limit: int, example: str) -> float:
    message = (
        f"{name} non valide : indiquez un nombre décimal entre -{limit} et {limit}, par exemple {example}."
    )
    if isinstance(value, bool):
        raise NormalizeError(message)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value, message).rstrip("°").strip().replace(",", ".", 1)
        if not _DECIMAL.fullmatch(text):
            raise NormalizeError(message)
        number = float(text)
    if not math.isfinite(number):
        raise NormalizeError(message)
    if not -limit <= number <= limit:
        raise NormalizeError(f"La {name.lower()} doit être comprise entre -{limit} et {limit}.")
    return number


def latitude(value: str | float) -> float:
    """A latitude in decimal degrees, between -90 and 90; a French decimal comma is accepted (« 45,7772 »)."""
    return _coordinate(value, "Latitude", 90, "45,7772")


def longitude(value: str | float) -> float:
    """A longitude in decimal degrees, between -180 and 180; « 3,0870 » is accepted."""
    return _coordinate(value, "Longitude", 180, "3,0870")
