"""Catalog models, split by topic; Django finds them through these re-exports."""
from .authors import Author, Pseudonym
from .works import AudioEdition, Contribution, Edition, Genre, Work

__all__ = [
    "AudioEdition",
    "Author",
    "Contribution",
    "Edition",
    "Genre",
    "Pseudonym",
    "Work",
]
