"""digest.json's JSON Schema (shipped in the package) and the model agree.

Hypothesis makes digests of every shape the tool can write and a draft may
hold; each goes model -> JSON -> valid by the schema -> the same model. And
the schema refuses what it says it refuses, each as one line naming its path.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from digest.draft import HEADLINE_MAX_CHARS, INTRO_MAX_CHARS, schema, schema_problems
from digest.model import (
    Difference,
    Digest,
    Sentence,
    Source,
    Story,
    digest_from_dict,
    digest_to_dict,
)

text = st.text(max_size=40)
line = st.text(min_size=1, max_size=HEADLINE_MAX_CHARS)
maybe = st.none() | text
aware = st.datetimes(timezones=st.just(dt.UTC))
sources = st.builds(
    Source,
    title=maybe,
    url=maybe,
    outlet=maybe,
    published=st.none() | aware,
    path=maybe,
    author=maybe,
)


@st.composite
def stories(draw: st.DrawFn) -> Story:
    srcs = draw(st.lists(sources, min_size=1, max_size=4))
    index = st.integers(min_value=0, max_value=len(srcs) - 1)
    cited = st.lists(index, min_size=1, unique=True).map(lambda xs: tuple(sorted(xs)))
    sentences = draw(
        st.lists(
            st.builds(Sentence, text=st.text(min_size=1, max_size=80), sources=cited),
            max_size=5,
        )
    )
    differences = draw(
        st.lists(
            cited.map(
                lambda xs: Difference(
                    "Sources differ: " + ", ".join(f"[{i + 1}] says so" for i in xs), xs
                )
            ),
            max_size=2,
        )
    )
    return Story(
        headline=draw(line),
        sentences=tuple(sentences),
        sources=tuple(srcs),
        differences=tuple(differences),
    )


digests = st.builds(
    Digest,
    title=line,
    date=st.dates(min_value=dt.date(1000, 1, 1)),
    stories=st.lists(stories(), min_size=1, max_size=3).map(tuple),
    intro=st.text(max_size=INTRO_MAX_CHARS),
    article_count=st.integers(min_value=0, max_value=10_000),
    topic=maybe,
)


@given(digests)
def test_model_to_json_is_schema_valid_and_back(digest: Digest) -> None:
    data = json.loads(json.dumps(digest_to_dict(digest), ensure_ascii=False))
    assert schema_problems(data) == []
    assert digest_from_dict(data) == digest


def test_the_schema_states_the_limits_the_check_uses() -> None:
    props = schema()["properties"]
    story = schema()["$defs"]["story"]["properties"]
    assert props["title"]["maxLength"] == story["headline"]["maxLength"] == HEADLINE_MAX_CHARS
    assert props["intro"]["maxLength"] == INTRO_MAX_CHARS
    # every field the model writes, and no other, is in the schema
    written = digest_to_dict(
        Digest(
            "t",
            dt.date(2026, 11, 21),
            (Story("h", (Sentence("s", (0,)),), (Source("a", None, None, None, None),)),),
        )
    )
    assert set(props) == set(written)
    assert set(story) == set(written["stories"][0])
    source = schema()["$defs"]["source"]["properties"]
    assert set(source) == set(written["stories"][0]["sources"][0])


def _valid() -> dict[str, Any]:
    return {
        "version": 1,
        "title": "Title",
        "date": "2026-11-21",
        "intro": "",
        "topic": None,
        "article_count": 1,
        "stories": [
            {
                "headline": "Headline",
                "sentences": [{"text": "A sentence.", "sources": [0]}],
                "sources": [
                    {
                        "title": None,
                        "url": None,
                        "outlet": None,
                        "published": None,
                        "path": "a.md",
                        "author": None,
                    }
                ],
                "differences": [],
            }
        ],
    }


def test_the_schema_refuses_each_kind_of_problem_on_its_own_line() -> None:
    assert schema_problems(_valid()) == []
    data = _valid()
    data["version"] = 2
    data["date"] = "21 November"
    data["extra"] = True
    data["article_count"] = -1
    story = data["stories"][0]
    story["sources"][0]["note"] = "x"
    story["sentences"][0]["sources"] = ["0"]
    del story["differences"]
    assert schema_problems(data) == [
        "article_count: must be at least 0",
        "date: must be a date, YYYY-MM-DD",
        "extra: unknown key",
        "stories[0].differences: missing",
        "stories[0].sentences[0].sources[0]: must be an integer, not a string",
        "stories[0].sources[0].note: unknown key",
        "version: must be 1",
    ]
    assert schema_problems([]) == ["(the whole file): must be an object, not a list"]
