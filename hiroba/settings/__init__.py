"""Settings package: ``base`` reads the environment; ``dev``, ``test`` and ``production`` adjust it.

``manage.py`` defaults to ``hiroba.settings.dev`` and ``wsgi.py`` to ``hiroba.settings.production``.
"""
