"""Links a phone understands: geo:, OpenStreetMap, sms:, mailto: — typed text never adds parameters."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from guide.services.sharing import directions, geo_uri, mailto_uri, share_links, sms_uri


def test_geo_uri_points_at_the_place_with_its_label():
    assert (
        geo_uri(45.7772, 3.087, "Maison (des) femmes")
        == "geo:45.7772,3.087?q=45.7772,3.087%28Maison%20%20des%20%20femmes%29"
    )


def test_directions_by_coordinates_or_by_address():
    by_point = directions(45.77, 3.08, "Lieu", "1 rue X")
    assert by_point.geo.startswith("geo:45.77,3.08?q=")
    assert parse_qs(urlsplit(by_point.osm).query)["route"] == [";45.77,3.08"]
    assert "mlat=45.77" in by_point.osm_map
    by_address = directions(None, None, "Lieu", "1 rue X & co, 63000 Clermont")
    assert by_address.geo == "geo:0,0?q=1%20rue%20X%20%26%20co%2C%2063000%20Clermont"
    assert parse_qs(urlsplit(by_address.osm).query)["query"] == ["1 rue X & co, 63000 Clermont"]
    assert directions(None, None, "Lieu", "  ") is None


def test_sms_and_mail_keep_typed_text_inside_their_parameter():
    sms = sms_uri("Rendez-vous & suite ?body=piège")
    assert sms.startswith("sms:?&body=") and sms.count("&") == 1
    assert unquote(sms.split("body=", 1)[1]) == "Rendez-vous & suite ?body=piège"
    mail = urlsplit(mailto_uri("A & B", "x&cc=victime@example.org"))
    assert parse_qs(mail.query) == {"subject": ["A & B"], "body": ["x&cc=victime@example.org"]}


def test_share_links_carry_title_and_url():
    links = share_links("Aide", "https://guide.example/fiche/1-aide")
    assert unquote(links.sms).endswith("Aide : https://guide.example/fiche/1-aide")
    assert links.url == "https://guide.example/fiche/1-aide"
