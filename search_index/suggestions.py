"""« Vouliez-vous dire … »: a corrected query for a search that found nothing.

One job: replace the query's unknown words by close words of the index's vocabulary (the ``vocab`` field,
whole words with their accents) and keep the closest correction that finds something. Every step is bounded
by the constants of :mod:`.params`, whatever the input.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from . import analysis
from .params import (
    CORRECTION_CANDIDATES,
    MAX_CORRECTED_LENGTH,
    MAX_CORRECTED_WORDS,
    MAX_CORRECTION_TRIES,
    MAX_QUERY_WORDS,
)
from .schema import FIELD_WEIGHTS

if TYPE_CHECKING:
    from .snapshot import Snapshot


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def suggest(
    snap: Snapshot,
    q: str,
    count: Callable[[str], int],
    work: dict[str, int] | None = None,
    known: Callable[[str], bool] | None = None,
    more_words: Callable[[str], Iterable[str]] | None = None,
    closest: list[str] | None = None,
) -> str | None:
    """A corrected query that finds something: each unknown word replaced by a close word of the
    index's vocabulary (Damerau-Levenshtein distance 1, or 2 for words of 6 letters or more);
    ``count(query)`` says how many documents a corrected query finds (with the same filters).

    Bounded (see MAX_QUERY_WORDS and the following constants): the first words only, a few candidates
    per distinct word, and the few closest combinations enumerated lazily (never the whole product).

    ``known(word)`` says a word is real though the index does not hold it (:mod:`.realwords`, the
    synonyms): it is left as typed, never replaced by another real word (« douche » is not « douce »).
    ``more_words(letter)`` gives more words to choose from (the synonyms' words starting with that folded
    letter). ``closest``, when given, receives the closest correction even if it finds nothing (a partial
    match may use it: « urgence logemant »)."""
    work = work if work is not None else {}
    work.setdefault("lookups", 0)
    work.setdefault("corrections", 0)
    words: list[tuple[str, int, int]] = []  # the words considered: up to MAX_QUERY_WORDS distinct ones
    choices: list[list[tuple[int, str]]] = []
    by_word: dict[str, list[tuple[int, str]]] = {}
    changed = False
    with snap.lock:
        reader = snap.searcher.reader()
        for word, start, end in analysis.words(q):
            if word in by_word:  # a repeated word: its candidates are known
                words.append((word, start, end))
                choices.append(by_word[word])
                continue
            if len(by_word) >= MAX_QUERY_WORDS:
                break
            words.append((word, start, end))
            stems = analysis.analyse(word)
            held = all(any(reader.doc_frequency(f, s) for f in FIELD_WEIGHTS) for s in stems)
            if held or len(word) < 4 or word.isdigit() or (known is not None and known(word)):
                by_word[word] = [(0, word)]
                choices.append(by_word[word])
                continue
            if len(word) > MAX_CORRECTED_LENGTH or work["lookups"] >= MAX_CORRECTED_WORDS:
                return None  # no word of the guide is that long; too many unknown words to correct
            maxdist = 1 if len(word) < 6 else 2
            folded = analysis.fold(word)
            work["lookups"] += 1
            candidates = set(reader.terms_within("vocab", word, maxdist, prefix=1))
            if folded != word:
                candidates.update(reader.terms_within("vocab", folded, maxdist, prefix=1))
            if more_words is not None:
                candidates.update(
                    c
                    for c in more_words(folded[0])
                    if abs(len(c) - len(word)) <= maxdist
                    and edit_distance(folded, analysis.fold(c)) <= maxdist
                )
            ranked = sorted(
                (
                    min(edit_distance(word, c), edit_distance(folded, analysis.fold(c))),
                    -reader.doc_frequency("vocab", c),
                    c,
                )
                for c in candidates
                if c != word
            )
            if not ranked:
                return None
            by_word[word] = [(distance, c) for distance, _freq, c in ranked[:CORRECTION_CANDIDATES]]
            choices.append(by_word[word])
            changed = True
    if not changed:
        return None
    for combo in closest_combinations(choices, MAX_CORRECTION_TRIES):
        work["corrections"] += 1
        text = replace_words(q, words, [w for _d, w in combo])
        if closest is not None and not closest:
            closest.append(text)
        if count(text):
            return text
    return None


def closest_combinations(
    choices: Sequence[Sequence[tuple[int, str]]], limit: int
) -> Iterator[list[tuple[int, str]]]:
    """The ``limit`` combinations (one choice per word) of lowest total distance, in the order of
    ``sorted(itertools.product(*choices), key=total distance)``, without building the product: a best-first
    walk over the choices' indices (each list sorted by distance). At most ``limit`` × words steps."""
    if not choices or any(not options for options in choices):
        return
    first = (0,) * len(choices)
    heap = [(sum(options[0][0] for options in choices), first)]
    seen = {first}
    while heap and limit > 0:
        total, indices = heapq.heappop(heap)
        yield [choices[i][j] for i, j in enumerate(indices)]
        limit -= 1
        for i, j in enumerate(indices):
            if j + 1 < len(choices[i]):
                following = (*indices[:i], j + 1, *indices[i + 1 :])
                if following not in seen:
                    seen.add(following)
                    step = choices[i][j + 1][0] - choices[i][j][0]
                    heapq.heappush(heap, (total + step, following))


def replace_words(q: str, words: Sequence[tuple[str, int, int]], replacements: Sequence[str]) -> str:
    out, last = [], 0
    for (word, start, end), replacement in zip(words, replacements, strict=True):
        out.append(q[last:start])
        out.append(q[start:end] if replacement == word else replacement)
        last = end
    out.append(q[last:])
    return "".join(out)
