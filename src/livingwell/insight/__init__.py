"""System insight: flow, outcomes, equity, experience and relationships, read with SPC.

The statistical core (``spc``, ``charts``, ``icons``, ``disclosure``) is pure Python and never
imports Django models, so scripts and unit tests can use it without settings.
"""
