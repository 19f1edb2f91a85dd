"""Whether an article is written in the digest's language.

The summarizer's rules read English: they judge a sentence's opener, its
speaker, its voice. An article in another language would reach the digest
with none of them able to read it, and to an English newsletter's readers a
Portuguese page is junk. So :func:`other_language` names the language of an
article that is surely written in another one than the digest's, and the
build leaves that article out with a one-line note (as it does an
advertisement).

Identification is py3langid's (langid.py's Naive Bayes model over byte
n-grams, 97 languages, shipped inside its wheel: nothing is downloaded). Its
model takes about 1.5 s and 110 MiB to load, so most builds never load it:
an article whose opening words are, at least :data:`ENGLISH_SHARE` of them,
English function words ("the", "of", "and" ...) reads as English without it,
which settles it for an English digest. The rest (short entries, lists, box
scores, other languages) go to the model, and only a verdict it gives with
:data:`CONFIDENCE` on :data:`MIN_LETTERS` letters or more leaves an article out:
a doubt keeps it.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

from digest.model import Article
from digest.text import words

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

#: How much of an article is looked at (title first, then the body), in characters.
SAMPLE_CHARS = 2000
#: An article with fewer letters than this is never left out: too little to tell. (A
#: feed entry's title and one-line summary hold 80 to 200; over the 414 real English
#: articles and entries used to set it, none is taken for another language.)
MIN_LETTERS = 80
#: The model's probability a verdict needs before an article is left out.
CONFIDENCE = 0.95
#: The share of English function words above which a text reads as English outright.
#: (In the real pages used to set it, English prose runs at 0.3 to 0.5, and the
#: lowest English article, a list of high-school scores, at 0.02; Italian, German
#: and Portuguese pages stay under 0.1.)
ENGLISH_SHARE = 0.2

_FUNCTION_WORDS = frozenset(
    """
    the of and to a in is that for on it with as was at by be this are from or an have
    has not but had were they which he she his her their its been will would said who
    we i more than one about after there can also
    """.split()  # noqa: SIM905
)

#: Names of the languages a digest is most often written in, for the note.
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "ms": "Malay",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


#: Languages the model tells apart that a digest's reader reads as one: a dialect or
#: creole of the digest's language, or the same language under another code.
_KIN = (
    frozenset(("en", "pcm")),
    frozenset(("ar", "ary", "arz")),
    frozenset(("zh", "yue", "wuu")),
    frozenset(("no", "nb", "nn")),
    frozenset(("ms", "id")),
    frozenset(("hr", "bs", "sr")),
    frozenset(("uz", "uzs")),
    frozenset(("el", "grc")),
    frozenset(("he", "iw", "hbo")),
    frozenset(("fr", "gcf", "gcr")),
)


def language_name(tag: str) -> str:
    """ "English" for "en" or "en-GB"; the tag itself for one not in :data:`LANGUAGE_NAMES`."""
    return LANGUAGE_NAMES.get(primary(tag), tag)


def primary(tag: str) -> str:
    """The primary language subtag of a BCP 47 tag, lower-case: "en-GB" -> "en"."""
    return tag.split("-", 1)[0].strip().lower()


def sample(article: Article) -> str:
    """What an article's language is told from: its title and first blocks."""
    parts = [article.title or ""]
    size = len(parts[0])
    for block in article.blocks:
        if size >= SAMPLE_CHARS:
            break
        parts.append(block.text)
        size += len(block.text) + 1
    return "\n".join(parts)[:SAMPLE_CHARS]


def english_share(text: str) -> float:
    """The share of ``text``'s words that are common English function words."""
    found = words(text)
    return sum(w in _FUNCTION_WORDS for w in found) / len(found) if found else 0.0


@cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The language ``text`` is most likely in (ISO 639-1) and the model's probability
    that it is in that language or one of its kin (:data:`_KIN`: Indonesian and Malay
    share most words, and split the model's belief between them)."""
    ranked = _identifier().rank(text)
    language = str(ranked[0][0])
    kin = _kin(language)
    return language, math.fsum(float(p) for lang, p in ranked if lang in kin)


def other_language(article: Article, language: str) -> str | None:
    """The language ``article`` is surely written in when it is not ``language``
    (a BCP 47 tag, as in the settings), else None."""
    text = sample(article)
    if sum(map(str.isalpha, text)) < MIN_LETTERS:
        return None
    want = primary(language)
    if want == "en" and english_share(text) >= ENGLISH_SHARE:
        return None
    found, probability = identify(text)
    if probability < CONFIDENCE or found == "zxx" or want in _kin(found):
        return None
    if want not in _identifier().labels and _kin(want) == {want}:
        return None  # a language the model does not know: it cannot tell
    return found


def _kin(language: str) -> frozenset[str]:
    """``language`` and the codes its readers read as one with it (:data:`_KIN`)."""
    return next((kin for kin in _KIN if language in kin), frozenset((language,)))
