"""Digital objects: the electronic copies partners deposit, kept unaltered in depository storage.

The flow is one way, like the records': a deposit (loose files or a BagIt bag) is verified
(every digest recomputed, the type read from the content, pages counted, quality checked),
written as a new OCFL object or version under the storage root, then catalogued in the
database and logged.  The storage root is the record of truth; the catalogue tables can be
rebuilt from it (``kazneb objects rebuild``).
"""
