"""ecomcase: reproducible company case studies rebuilt from data."""

__version__ = "0.1.0"
