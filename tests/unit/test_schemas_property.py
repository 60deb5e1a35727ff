"""Property-based tests: whatever is typed into a form, the schemas answer with an error or a value."""

from __future__ import annotations

import contextlib

import colander
import deform
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schemas import configure_renderer
from schemas.accounts import InvitationSchema, LoginSchema, NewPasswordSchema
from schemas.directory import LieuSchema, QuartierSchema
from schemas.fiche import appstruct_to_content, fiche_schema
from views.rendering import validate_controls

configure_renderer()

TEXT = st.text(max_size=300) | st.sampled_from(
    ["", " ", "0", "-1", "1e9", "09:00", "45,7", "\x00", "é" * 500]
)
FICHE = fiche_schema(thematiques=[("sante", "Santé")], lieux=[("1", "Lieu 1")])


def _controls(schema: colander.SchemaNode, draw_text: list[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for i, node in enumerate(schema.children):
        values[node.name] = draw_text[i % len(draw_text)]
    return values


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=30), st.lists(st.lists(TEXT, max_size=4), min_size=1, max_size=5))
def test_fiche_schema_never_crashes(texts, lists):
    cstruct = _controls(FICHE, texts)
    for i, name in enumerate(("thematiques", "publics", "conditions_acces", "langues", "lieux")):
        cstruct[name] = lists[i % len(lists)]
    cstruct["fermetures"] = [{"debut": texts[0], "fin": texts[-1], "message": texts[0]}]
    try:
        appstruct = FICHE.deserialize(cstruct)
    except colander.Invalid as error:
        assert all(isinstance(message, str) for message in error.asdict().values())
        return
    content = appstruct_to_content(appstruct)
    assert len(content["nom"]) <= 150 and len(content["resume"]) <= 280


@pytest.mark.parametrize(
    "schema",
    [
        LoginSchema(),
        NewPasswordSchema(),
        LieuSchema().bind(quartiers=[("1", "Q")]),
        QuartierSchema(),
        InvitationSchema().bind(organisations=[("1", "Org")]),
    ],
    ids=["login", "password", "lieu", "quartier", "invitation"],
)
@settings(max_examples=75, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_other_schemas_never_crash(schema, data):
    # _controls gives field i the text i modulo the list's length: texts beyond the schema's fields were
    # drawn for nothing (up to 20 for a login form of two fields); every combination is still drawn
    texts = data.draw(st.lists(TEXT, min_size=1, max_size=len(schema.children)))
    with contextlib.suppress(colander.Invalid):
        schema.deserialize(_controls(schema, texts))


# Each example renders the whole fiche form with its errors (most of the test's time). The streams that
# break deform's own parsing (a flat value where a sequence is expected, a sequence never closed) and take
# validate_controls' fallback were drawn in 1 to 4 % of the examples: they are now always tried, as explicit
# examples, and 40 drawn examples (75 before) add the rest.
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@example([("fermetures", "x")])
@example([("__start__", "fermetures:sequence"), ("debut", "x"), ("__end__", "")])
@example([("__start__", "horaires:mapping"), ("mode", "raw")])
@example([("__end__", ""), ("nom", "Nom"), ("__end__", "")])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "nom",
                    "resume",
                    "__start__",
                    "__end__",
                    "horaires",
                    "mode",
                    "raw",
                    "Mo-0-start",
                    "Mo-0-end",
                    "ph_off",
                    "age_min",
                    "thematiques",
                    "fermetures",
                    "debut",
                    "telephone",
                    "x",
                ]
            ),
            TEXT,
        ),
        max_size=40,
    )
)
def test_fiche_form_with_arbitrary_controls_only_fails_validation(controls):
    """Even malformed peppercorn streams (unbalanced __start__/__end__) give a validation failure."""
    form = deform.Form(FICHE.clone())
    values, html = validate_controls(form, controls)
    if values is None:
        assert "<form" in html
        assert "invalid-feedback" in html or "alert-danger" in html
