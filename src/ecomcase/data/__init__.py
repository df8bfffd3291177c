"""Notebook 01: reading a case's raw data, validating it (every problem at once) and cleaning it."""
