"""Decision records (ADRs): parsing, discovery, health checks and the topic index.

Nothing is imported here, so that `linter.checks.decisions` can ask `discover` whether a
repository has records at all without paying for the parser or the index.
"""

#: Statuses under which a decision is still open for debate; any other status is closed. Kept here,
#: where importing costs nothing, because the index needs it on the commit hook's path.
OPEN_STATUSES = frozenset({"proposed", "draft"})
