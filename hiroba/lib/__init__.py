"""Framework-free helpers for Hiroba: the bottom layer of the project.

Nothing in ``hiroba.lib`` imports Django or any other ``hiroba`` package; the only
third-party imports allowed are ``holidays`` and ``jaconv``. Keeping this layer pure
means the date, kana, address and CSV rules can be tested in isolation and reused by
settings, models, forms and management commands alike.

Errors caused by bad user input are raised as :class:`hiroba.lib.errors.InputError`
(a ``ValueError``) carrying a stable ``code`` that the Django layer maps to a
translated Japanese message.
"""
