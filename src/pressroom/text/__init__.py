"""Text: the inline markup subset, per-language typography, locale formatting. Pure string work:
knows nothing of the project.
"""
