"""The IIIF Image API 3.0 service of the deposited copies, one per page, and its Auth 2.0 probes.

Modules, one concern each, named after the specifications' sections: :mod:`params` (the image
request, section 4), :mod:`info` (image information, section 5), :mod:`transform` (carrying a
request out on a page derivative), :mod:`auth` (Authorization Flow 2.0 documents),
:mod:`limits` (the rate limit on page images), :mod:`views` (the routes).  The pixels come from
:mod:`objects.derivatives`; what may be served, from :func:`objects.access.decide`.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the image service and the probes, with the page images' rate limit."""
    from web.iiif.limits import limit_images
    from web.iiif.views import iiif_blueprint, images_blueprint

    app.register_blueprint(iiif_blueprint)
    app.register_blueprint(images_blueprint)
    app.extensions["kazneb_iiif_limiter"] = limit_images(app, app.config["KAZNEB_SETTINGS"], images_blueprint)
