"""Request filters that protect every view at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.response import Response

NUL_MESSAGE = (
    "<!doctype html><html lang=fr><meta charset=utf-8><title>Requête invalide</title>"
    "<h1>Requête invalide</h1><p>Votre saisie contient un caractère invisible non autorisé (octet nul). "
    "Revenez en arrière, retapez le texte puis envoyez-le à nouveau.</p></html>"
)


JSON_MESSAGE = "La requête contient un caractère invisible non autorisé (octet nul)."


def _has_nul(request: Any) -> bool:
    if "\x00" in request.path_info or "%00" in request.query_string:
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        try:
            return any(isinstance(value, str) and "\x00" in value for value in request.POST.values())
        except (ValueError, UnicodeDecodeError):
            return False
    return False


def nul_byte_tween_factory(handler: Callable[[Any], Any], registry: Any) -> Callable[[Any], Any]:
    """No text field or URL may carry a NUL byte: PostgreSQL cannot store one and nobody types one."""

    def refuse(request: Any) -> Response:
        if request.path_info.startswith("/api/"):
            return Response(json_body={"erreur": JSON_MESSAGE}, status=400, charset="utf-8")
        return Response(NUL_MESSAGE, status=400, content_type="text/html", charset="utf-8")

    def tween(request: Any) -> Any:
        try:
            if _has_nul(request):
                return refuse(request)
        except UnicodeDecodeError:
            return refuse(request)
        return handler(request)

    return tween
