"""Real words and typos: « douche » is a word, « logemant » is not.

One job: tell whether a word a visitor typed is a word of French or of another language the guide's lexicon
speaks (:data:`LANGUAGES`), so that « Vouliez-vous dire » corrects typos only and never replaces a real word
by another (« douche » → « douce », « lawyer » → « loyer »). A real word the index does not hold is left
alone: it may be a lexicon word, or the guide has nothing for it.

The word lists are wordfreq's (a maintained library built from large corpora: Wikipedia, subtitles, news,
web text), its « small » lists (the words used at least about once per million words, which common typos are
not: « violance » is in the large French list, not in the small one). They are read once per script the
visitor types in (Latin: fr en es pt tr, read at start-up; Cyrillic: uk ru; Arabic: ar fa, read when first
needed), kept as sets of the words of 4 letters or more (shorter ones are never corrected), the library's
own frequency tables released: about 25 MB for the Latin lists, 0.25 s of CPU.
"""

from __future__ import annotations

import functools
import logging
import threading
import unicodedata

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "en", "ar", "uk", "ru", "es", "pt", "tr", "fa")
_SCRIPTS = {"LATIN": ("fr", "en", "es", "pt", "tr"), "CYRILLIC": ("uk", "ru"), "ARABIC": ("ar", "fa")}
_lock = threading.Lock()


def _script(word: str) -> str | None:
    for char in word:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for script in _SCRIPTS:
                if name.startswith(script):
                    return script
            return None
    return None


@functools.cache
def _words(script: str) -> frozenset[str]:
    import wordfreq  # imported on first use: a process that never corrects a word never loads it

    with _lock:
        words: set[str] = set()
        for language in _SCRIPTS[script]:
            # shorter words are never corrected (:func:`search_index.suggestions.suggest`): not kept
            words.update(w for w in wordfreq.iter_wordlist(language, wordlist="small") if len(w) >= 4)
        for cached in (wordfreq.get_frequency_list, wordfreq.get_frequency_dict):
            clear = getattr(cached, "cache_clear", None)
            if clear is not None:
                clear()
        return frozenset(words)


def is_real_word(word: str) -> bool:
    """Whether ``word`` (any case, 4 letters or more) is a common word of one of :data:`LANGUAGES`."""
    lower = word.lower()
    script = _script(lower)
    if script is None:
        return False
    try:
        return lower in _words(script)
    except Exception:
        logger.exception("wordfreq lists for %s could not be read", script)
        return False


def warm_up() -> threading.Thread:
    """Read the word lists in a background thread (a few seconds of CPU once per process), so that the
    first visitor who makes a typo does not wait for them."""

    def load() -> None:
        for script in ("LATIN",):  # the others are read the first time a word of theirs is looked up
            try:
                _words(script)
            except Exception:
                logger.exception("wordfreq lists for %s could not be read", script)

    thread = threading.Thread(target=load, name="wordfreq-warm-up", daemon=True)
    thread.start()
    return thread
