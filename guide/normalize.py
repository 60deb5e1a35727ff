"""Normalisation of what people type in forms and what the importer reads.

Each function returns the normalised value or raises :class:`NormalizeError`, whose ``message`` is a
French sentence meant to be shown next to the field.  They accept any text and never raise anything
else, so they can be used on untrusted input.
"""

from __future__ import annotations

import math
import re
import unicodedata
from urllib.parse import SplitResult, urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email


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

PHONE_MESSAGE = "Numéro de téléphone non reconnu : indiquez 10 chiffres, par exemple 04 73 98 07 81."

# Overseas departments have their own country codes; their national numbers start with 0 + the code.
_OVERSEAS_CODES = ("262", "269", "590", "594", "596")
_OVERSEAS_PREFIXES = {
    "0262": "262",  # La Réunion
    "0263": "262",
    "0692": "262",
    "0693": "262",
    "0269": "262",  # Mayotte
    "0639": "262",
    "0590": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0690": "590",
    "0691": "590",
    "0594": "594",  # Guyane
    "0694": "594",
    "0596": "596",  # Martinique
    "0696": "596",
    "0697": "596",
}
# Short numbers: emergency numbers (15, 17, 18, 112, 114, 115, 119…), 3-digit services starting with 1,
# 4-digit services starting with 1 or 3 (3919, 3949, 3020…) and the European 116 xxx helplines.
_SHORT_NUMBER = re.compile(r"1[578]|1[0-9]{2}|[13][0-9]{3}|116[0-9]{3}")


def _national(value: object) -> str:
    """The 10-digit national form (« 0473980781 ») or a short number (« 3919 »)."""
    text = _text(value, PHONE_MESSAGE)
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = text.replace("(0)", "")
    if not text or not re.fullmatch(r"\+?[0-9\s.\-/()]+", text):
        raise NormalizeError(PHONE_MESSAGE)
    digits = re.sub(r"[^0-9]", "", text)
    international = text.startswith("+") or digits.startswith("00")
    if international:
        digits = digits[2:] if digits.startswith("00") else digits
        if digits.startswith("33") and len(digits) == 11:
            digits = "0" + digits[2:]
        elif digits.startswith("330") and len(digits) == 12:
            digits = digits[2:]  # « +33 04 73 98 07 81 », the 0 kept by mistake
        elif digits.startswith(_OVERSEAS_CODES) and len(digits) == 12:
            digits = "0" + digits[3:]
        else:
            raise NormalizeError(PHONE_MESSAGE)
    elif len(digits) == 11 and digits.startswith("33") and digits[2] != "0":
        digits = "0" + digits[2:]  # « 33 4 73 98 07 81 », the + forgotten
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
        return digits
    if not international and _SHORT_NUMBER.fullmatch(digits):
        return digits
    raise NormalizeError(PHONE_MESSAGE)


def phone(value: str) -> str:
    """« 04 73 98 07 81 » for a French number in any usual writing; short numbers (« 3919 ») unchanged.

    Accepted: « 0473980781 », « 04.73.98.07.81 », « +33 4 73 98 07 81 », « +33 (0)4 73 98 07 81 »,
    « 0033473980781 », overseas numbers (« +262 262 12 34 56 »), 116 xxx helplines (« 116 006 »).
    """
    digits = _national(value)
    if len(digits) == 10:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if len(digits) == 6:
        return f"{digits[:3]} {digits[3:]}"
    return digits


def phone_uri(value: str) -> str:
    """A ``tel:`` link: « tel:+33473980781 », « tel:+262262123456 », short numbers « tel:3919 »."""
    digits = _national(value)
    if len(digits) != 10:
        return f"tel:{digits}"
    country = _OVERSEAS_PREFIXES.get(digits[:4], "33")
    return f"tel:+{country}{digits[1:]}"


# --------------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------------

POSTCODE_MESSAGE = "Code postal non valide : indiquez 5 chiffres, par exemple 63000."
INSEE_MESSAGE = (
    "Code INSEE non valide : indiquez 5 caractères, des chiffres ou 2A/2B pour la Corse, par exemple 63113."
)


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
SIRET_CHECKSUM_MESSAGE = (
    "Ce numéro SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez qu'aucun chiffre n'a été "
    "inversé ou mal recopié."
)
_LA_POSTE_SIREN = "356000000"


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret(value: str) -> str:
    """A SIRET: 14 digits (spaces removed) with a valid Luhn key.

    La Poste's establishments (SIREN 356 000 000) are numbered with another rule: the sum of the
    digits is a multiple of 5 (its head office, 356 000 000 00048, passes the Luhn check).
    """
    text = re.sub(r"\s", "", _text(value, SIRET_DIGITS_MESSAGE))
    if not text or not text.isascii() or not text.isdigit():
        raise NormalizeError(SIRET_DIGITS_MESSAGE)
    if len(text) != 14:
        raise NormalizeError(SIRET_LENGTH_MESSAGE.format(count=len(text)))
    valid = _luhn(text)
    if not valid and text.startswith(_LA_POSTE_SIREN):
        valid = sum(int(char) for char in text) % 5 == 0
    if not valid:
        raise NormalizeError(SIRET_CHECKSUM_MESSAGE)
    return text


# --------------------------------------------------------------------------------------------------
# E-mail and web addresses
# --------------------------------------------------------------------------------------------------

EMAIL_MESSAGE = "Adresse électronique non valide : elle doit ressembler à nom@exemple.fr."


def email(value: str) -> str:
    """An e-mail address, syntax checked, with its domain lower-cased (no DNS lookup)."""
    text = _text(value, EMAIL_MESSAGE)
    if text.lower().startswith("mailto:"):
        text = text[7:].strip()
    if not text:
        raise NormalizeError(EMAIL_MESSAGE)
    if "@" not in text:
        raise NormalizeError(
            "Adresse électronique non valide : il manque l'arobase (@), comme dans nom@exemple.fr."
        )
    if any(char.isspace() for char in text):
        raise NormalizeError("Adresse électronique non valide : elle ne doit pas contenir d'espace.")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise NormalizeError(EMAIL_MESSAGE) from exc
    except ValueError as exc:  # e.g. UnicodeError from IDNA encoding of odd domains
        raise NormalizeError(EMAIL_MESSAGE) from exc
    return result.normalized


URL_MESSAGE = "Adresse web non valide : indiquez par exemple https://www.exemple.fr."
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
