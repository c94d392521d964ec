"""Reporters: one module per output format, chosen by name in `registry`. They only write; exit
codes come from findings."""
