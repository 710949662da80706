"""Search: one index document per published hub record, behind one engine interface.

Modules: :mod:`search.text` (folding, stemming, transliteration keys), :mod:`search.document`
(hub record → index document), :mod:`search.query` (the ``q`` syntax), :mod:`search.engine`
(the :class:`~search.engine.SearchEngine` protocol and request/answer types), one module per
engine (:mod:`search.embedded`, :mod:`search.remote`), :mod:`search.indexer` (follows the
store's change log) and :mod:`search.follower` (does so in a child process).  The ``kazneb index``
commands call them from :mod:`kazneb.commands.index`.
"""
