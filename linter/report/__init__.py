"""Reporters: one module per output format. They only write; exit codes come from findings."""
