"""Notebook 04: the fuzzy comprehensive evaluation.

``core`` is the pure mathematics (arrays in, arrays out), ``sensitivity`` the
robustness analyses, ``case`` the glue between a case's data and both, ``plots``
the figures.
"""
