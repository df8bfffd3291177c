"""Notebook 02: strategy frameworks, their diagrams and market concentration."""
