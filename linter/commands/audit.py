"""Placeholder while the command is written."""

from __future__ import annotations


def add_arguments(parser: object) -> None:
    pass


def run(args: object) -> int:
    raise NotImplementedError
