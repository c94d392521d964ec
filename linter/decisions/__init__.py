"""Decision records (ADRs): parsing, discovery, health checks and the topic index.

Nothing is imported here, so that `linter.checks.decisions` can ask `discover` whether a
repository has records at all without paying for the parser or the index.
"""
