"""The digest model round-trips through its JSON form."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from digest.model import Digest, Sentence, Source, Story, digest_from_dict, digest_to_dict

text = st.text(max_size=40)
maybe = st.none() | text
aware = st.datetimes(timezones=st.just(dt.UTC))
sources = st.builds(
    Source, title=maybe, url=maybe, outlet=maybe, published=st.none() | aware, path=maybe
)


@st.composite
def stories(draw: st.DrawFn) -> Story:
    srcs = draw(st.lists(sources, min_size=1, max_size=4))
    index = st.integers(min_value=0, max_value=len(srcs) - 1)
    sentences = draw(
        st.lists(
            st.builds(
                Sentence,
                text=text,
                sources=st.lists(index, unique=True).map(lambda xs: tuple(sorted(xs))),
            ),
            max_size=5,
        )
    )
    return Story(headline=draw(text), sentences=tuple(sentences), sources=tuple(srcs))


digests = st.builds(
    Digest,
    title=text,
    date=st.dates(),
    stories=st.lists(stories(), max_size=3).map(tuple),
    intro=text,
    article_count=st.integers(min_value=0, max_value=1000),
    topic=maybe,
)


@given(digests)
def test_json_round_trip(digest: Digest) -> None:
    data = json.loads(json.dumps(digest_to_dict(digest)))
    assert digest_from_dict(data) == digest
