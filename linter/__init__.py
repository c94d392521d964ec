"""ctxlint: a git-native ticket context linter."""

__version__ = "0.1.0"
