"""Consolidation: one record per work across partners.

The same book is catalogued by several partners, in Kazakh Cyrillic, in Latin script, in
Russian.  This package decides which partners' records describe one work and keeps those
decisions: it compares the keys the store computed when each record was written
(``crosswalks/workkeys.py``), never the records themselves.

The modules, in the order the data flows through them:

* ``blocking``: which records are compared at all (those sharing a block), and which shared
  ISBNs are set ISBNs that prove nothing;
* ``vetoes``: the rules that forbid a match whatever else agrees (volumes, years, editions,
  kinds, a part and its host, languages);
* ``scoring``: how alike two records are, and the outcome (match, review, distinct, related);
* ``clusters``: union-find with cannot-link constraints and a cohesion guard, so a forbidden
  pair never ends up in one cluster through a third record;
* ``decisions``: the operators' forced and forbidden pairs, stored by partners' source keys;
* ``build``: the whole run over the store, and the incremental one for new records.

And after it: ``merge`` and ``publish`` (a cluster's one record, published as which hub record),
``views`` (what the operators' commands show) and ``related`` (a record's other-language editions,
which readers see on its page).
"""
