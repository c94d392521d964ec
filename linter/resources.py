"""Find the data folders (`rules/`, `hooks/`) in a wheel or in the source checkout."""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def data_dir(name: str) -> str:
    """Return the folder holding the shipped `name` data (`rules` or `hooks`).

    A wheel maps the folders into the package; an editable install or a source checkout
    keeps them beside it, so both places are tried, the package first.
    """
    for candidate in (os.path.join(_HERE, name), os.path.join(os.path.dirname(_HERE), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"ctxlint data folder {name!r} is missing from the installation")
