"""The publication workflow: data (states and transitions) and a small checked state machine.

Modelled on Plone's simple publication workflow. Every transition names the permission that guards
it; applying one records a history event (who, when, comment) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import State
from .permissions import Permission

STATE_LABELS = {
    State.DRAFT: "Brouillon",
    State.PENDING: "À valider",
    State.PUBLISHED: "Publiée",
    State.ARCHIVED: "Archivée",
}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[State]
    target: State
    permission: Permission
    comment_required: bool = False
    description: str = ""
    css: str = field(default="secondary")


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        "Soumettre à validation",
        frozenset({State.DRAFT}),
        State.PENDING,
        Permission.EDIT,
        description="La fiche est envoyée à la coordination, qui la relira avant publication.",
        css="primary",
    ),
    Transition(
        "publish",
        "Publier",
        frozenset({State.DRAFT, State.PENDING}),
        State.PUBLISHED,
        Permission.PUBLISH,
        description="La dernière version devient visible de tous.",
        css="primary",
    ),
    Transition(
        "send_back",
        "Renvoyer au partenaire",
        frozenset({State.PENDING}),
        State.DRAFT,
        Permission.REVIEW,
        comment_required=True,
        description="La fiche revient en brouillon avec votre commentaire.",
    ),
    Transition(
        "retract",
        "Retirer la demande de validation",
        frozenset({State.PENDING}),
        State.DRAFT,
        Permission.EDIT,
        description="La fiche revient en brouillon pour être encore modifiée.",
    ),
    Transition(
        "archive",
        "Archiver",
        frozenset({State.DRAFT, State.PENDING, State.PUBLISHED}),
        State.ARCHIVED,
        Permission.REVIEW,
        description="La fiche n'apparaît plus dans le guide ; elle reste consultable dans l'historique.",
        css="danger",
    ),
    Transition(
        "restore",
        "Restaurer",
        frozenset({State.ARCHIVED}),
        State.DRAFT,
        Permission.REVIEW,
        description="La fiche archivée revient en brouillon.",
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}


class WorkflowError(Exception):
    """A transition that does not exist or cannot be applied from the current state."""


def check(transitions: Iterable[Transition] = TRANSITIONS) -> None:
    """Checked at start-up: every state reachable, every transition well formed, names unique."""
    transitions = list(transitions)
    names = [t.name for t in transitions]
    if len(names) != len(set(names)):
        raise WorkflowError("duplicate transition names")
    reached = {State.DRAFT}
    changed = True
    while changed:
        changed = False
        for t in transitions:
            if not t.sources:
                raise WorkflowError(f"transition {t.name} has no source state")
            if t.target in t.sources:
                raise WorkflowError(f"transition {t.name} loops on {t.target}")
            if t.sources & reached and t.target not in reached:
                reached.add(t.target)
                changed = True
    missing = set(State) - reached
    if missing:
        raise WorkflowError(f"unreachable states: {sorted(missing)}")
    for state in State:
        if state not in STATE_LABELS:
            raise WorkflowError(f"state {state} has no label")
        if not any(state in t.sources for t in transitions):
            raise WorkflowError(f"state {state} has no way out")


def get(name: str) -> Transition:
    try:
        return BY_NAME[name]
    except KeyError:
        raise WorkflowError(f"unknown transition {name!r}") from None


def available(state: State) -> list[Transition]:
    return [t for t in TRANSITIONS if state in t.sources]


def includeme(config: object) -> None:
    check()  # refuse to start with an inconsistent workflow
