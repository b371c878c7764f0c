"""Outcomes: PROMs scored exactly by their published methods.

This package's top level is a plain Python library with no Django imports, so analysts can use it
in a notebook::

    from livingwell.outcomes import score, change, talking_therapies

Django parts of the app (models, views, the ``measures`` management command) live in submodules
and are only imported by Django itself.
"""

from .csvscore import score_csv
from .definitions import MEASURES, Definition, get_definition
from .errors import DefinitionError, MeasureInputError, UnknownMeasureError, WordingFileError
from .scoring import (
    CATEGORIES,
    DETERIORATION,
    IMPROVEMENT,
    NO_CHANGE,
    Change,
    JacobsonTruax,
    Score,
    TalkingTherapiesOutcome,
    change,
    jacobson_truax,
    score,
    talking_therapies,
)
from .wording import parse_wording_file

__all__ = [
    "CATEGORIES",
    "DETERIORATION",
    "IMPROVEMENT",
    "MEASURES",
    "NO_CHANGE",
    "Change",
    "Definition",
    "DefinitionError",
    "JacobsonTruax",
    "MeasureInputError",
    "Score",
    "TalkingTherapiesOutcome",
    "UnknownMeasureError",
    "WordingFileError",
    "change",
    "get_definition",
    "jacobson_truax",
    "parse_wording_file",
    "score",
    "score_csv",
    "talking_therapies",
]
