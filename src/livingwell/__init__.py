"""Living Well: an open platform for community mental health networks."""

__version__ = "0.1.0"
