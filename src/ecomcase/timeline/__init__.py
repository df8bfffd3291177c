"""Notebook 03: overseas events aggregated by year, place, mode and industry; statistics; plots."""
