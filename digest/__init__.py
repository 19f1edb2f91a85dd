"""digest: turn a pile of news articles about one subject into a newsletter."""

from digest.model import Article, ArticleData, Block, Digest, Sentence, Source, Story

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleData",
    "Block",
    "Digest",
    "Sentence",
    "Source",
    "Story",
    "__version__",
]
