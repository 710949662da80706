"""The OAI-PMH 2.0 data provider, one module per protocol concern.

``arguments`` checks each verb's arguments, ``tokens`` signs resumption tokens,
``query`` fetches one page, ``xml`` builds response fragments (pure: data in,
text out), ``verbs`` answers each verb, ``views`` is the Flask route.
"""
