"""Notebook 04: the fuzzy comprehensive evaluation.

``core`` is the pure mathematics (arrays in, arrays out), ``sensitivity`` the
robustness analyses, ``case`` the glue between a case's data and both, ``plots``
the figures.
"""

#: The composition operators (:mod:`ecomcase.fuzzy.core`), named here without NumPy:
#: the params check reads them in every step, most of which need no NumPy.
OPERATORS = ("weighted_average", "zadeh", "product_max", "min_bounded_sum")
