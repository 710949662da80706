"""The BagIt profiles the hub publishes (JSON files, shipped with the package).

A package of its own only so that setuptools ships the ``*.json`` files beside it;
:mod:`objects.bagprofile` reads them.
"""
