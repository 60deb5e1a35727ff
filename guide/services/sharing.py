"""Links a phone understands: go there (``geo:`` and OpenStreetMap), share (SMS, e-mail).

Hand-written on purpose: each is one documented URI scheme (RFC 5870 ``geo:``, RFC 5724 ``sms:``, RFC 6068
``mailto:``) or OpenStreetMap's public URL format, built with :func:`urllib.parse.quote`; a library would add
nothing but a dependency. Every value is percent-encoded, so typed text cannot add parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

OSM = "https://www.openstreetmap.org"


def _coord(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def geo_uri(latitude: float, longitude: float, label: str = "") -> str:
    """``geo:45.77,3.08?q=45.77,3.08(Label)``: opens the phone's own map application on the place, the
    label shown on its pin (Android reads ``q=lat,lon(label)``; the coordinates alone are RFC 5870)."""
    point = f"{_coord(latitude)},{_coord(longitude)}"
    query = point + (f"({label.replace('(', ' ').replace(')', ' ').strip()})" if label.strip() else "")
    return f"geo:{point}?q={quote(query, safe=',')}"


def osm_directions_url(latitude: float, longitude: float) -> str:
    """OpenStreetMap's route planner with the place as destination (the start is left to the visitor)."""
    destination = f"{_coord(latitude)},{_coord(longitude)}"
    return f"{OSM}/directions?route={quote(';' + destination, safe='')}"


def osm_map_url(latitude: float, longitude: float, zoom: int = 18) -> str:
    """OpenStreetMap's map with a marker on the place."""
    lat, lon = _coord(latitude), _coord(longitude)
    return f"{OSM}/?{urlencode({'mlat': lat, 'mlon': lon})}#map={zoom}/{lat}/{lon}"


def osm_search_url(address: str) -> str:
    """OpenStreetMap's search for an address (a lieu without coordinates)."""
    return f"{OSM}/search?{urlencode({'query': address})}"


def sms_uri(body: str) -> str:
    """An SMS to write (no recipient): ``sms:?&body=`` is what both Android and iOS read."""
    return f"sms:?&body={quote(body, safe='')}"


def mailto_uri(subject: str, body: str) -> str:
    """An e-mail to write (no recipient), with a subject and a body (RFC 6068: spaces as %20)."""
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


@dataclass(frozen=True)
class Directions:
    """Where « Itinéraire » leads: the phone's map application and OpenStreetMap."""

    geo: str
    osm: str
    osm_map: str


def directions(
    latitude: float | None, longitude: float | None, label: str, address: str
) -> Directions | None:
    """The links for one lieu: by coordinates when it has them, else an OpenStreetMap search for its
    address (``geo:0,0?q=address`` lets the phone's application search it); None without either."""
    if latitude is not None and longitude is not None:
        return Directions(
            geo_uri(latitude, longitude, label),
            osm_directions_url(latitude, longitude),
            osm_map_url(latitude, longitude),
        )
    if address.strip():
        search = osm_search_url(address)
        return Directions(f"geo:0,0?q={quote(address, safe='')}", search, search)
    return None


@dataclass(frozen=True)
class ShareLinks:
    """« Partager » a page: by SMS, by e-mail, or the address itself (to copy)."""

    url: str
    sms: str
    mail: str


def share_links(title: str, url: str, intro: str = "") -> ShareLinks:
    text = f"{title} : {url}" if not intro else f"{intro}\n{title} : {url}"
    return ShareLinks(url, sms_uri(text), mailto_uri(title, text))
