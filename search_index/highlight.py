"""Highlighting: the query's words in ``<mark>`` in a title, and the extract of a result around them.

One job: given a text and the analysed terms of a query (stems, synonyms included), escaped HTML with the
words whose stem is among them marked; the text is analysed with the index's own analyzer, so « Santé »
is marked for the query « sante ».
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from . import analysis

SNIPPET_LENGTH = 220


def mark(text: str, terms: frozenset[str]) -> Markup:
    """``text`` escaped, its words whose stem is in ``terms`` wrapped in ``<mark>``."""
    if not terms or not text:
        return escape(text)
    spans = [(start, end) for term, start, end in analysis.analyse_with_offsets(text) if term in terms]
    return _marked(text, spans, 0, len(text))


def _marked(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> Markup:
    out = Markup("")
    position = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += escape(text[position:s]) + Markup("<mark>") + escape(text[s:e]) + Markup("</mark>")
        position = e
    return out + escape(text[position:end])


def snippet(resume: str, description: str, terms: frozenset[str], length: int = SNIPPET_LENGTH) -> Markup:
    """A short extract of the summary or the description, around the query's words, marked."""
    for text in (resume, description):
        if not text or not terms:
            continue
        spans = [(s, e) for term, s, e in analysis.analyse_with_offsets(text) if term in terms]
        if not spans:
            continue
        if len(text) <= length:
            return _marked(text, spans, 0, len(text))
        begin = max(0, spans[0][0] - length // 4)
        if begin:
            space = text.rfind(" ", 0, begin)
            begin = space + 1 if space >= 0 else begin
        end = min(len(text), begin + length)
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin else end
        out = _marked(text, spans, begin, end)
        return (
            (Markup("… ") if begin else Markup("")) + out + (Markup(" …") if end < len(text) else Markup(""))
        )
    text = resume or description
    if len(text) <= length:
        return escape(text)
    cut = text.rfind(" ", 0, length)
    return escape(text[: cut if cut > 0 else length]) + Markup(" …")
