"""The harvester: keeps every partner's records current over OAI-PMH, and ingests file deliveries.

One idea per module, from the wire inwards:

* ``fetch`` — HTTP with the retry policy (backoff with jitter, Retry-After, rate limit).
* ``xmlclean`` — decoding, repair and strict parsing of partner responses (no entities).
* ``client`` — sickle's verbs over ``fetch`` + ``xmlclean``; choosing the metadata format.
* ``pages`` — one ListRecords page, and the guards against repeating or empty lists.
* ``records`` — one record: crosswalk, access level, store — or quarantine.
* ``context`` — ``RunContext``, what a run's writing steps share, and the ``Outcomes`` they count.
* ``run`` — a resumable, page-checkpointed harvest of one list; deletions and their guard.
* ``partners``, ``partner_set``, ``locks``, ``scheduler``, ``ingest``, ``quarantine``, ``status``,
  ``progress`` — operations, called by the commands in :mod:`kazneb.commands`.
* ``models`` — the harvester's tables; ``testing`` — a scripted partner for tests and the bench.
"""
