"""KazNEB Hub: the bottom and the top of the house.

At the bottom, :mod:`kazneb.config` (the settings): a leaf every package may import.  At the
top, what runs the packages: :mod:`kazneb.commands` (the ``kazneb`` command), :mod:`kazneb.app`
(the Flask application factory) and :mod:`kazneb.wsgi`; no package imports those.
"""
