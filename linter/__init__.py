"""ctxlint: a git-native ticket context linter."""

__version__ = "0.1.0"

#: `typing.TYPE_CHECKING` without importing `typing`: that import alone is some 8% of the
#: commit-msg hook's own time (16M instructions, measured with callgrind), and the hook imports
#: nothing else from it. Modules on the hook's path take type-only imports under
#: `if TYPE_CHECKING:` with this flag (`from linter import TYPE_CHECKING`); mypy treats any
#: `TYPE_CHECKING` as true.
TYPE_CHECKING = False
