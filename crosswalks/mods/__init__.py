"""MODS 3.x: reader and MODS 3.8 writer."""

#: Note kinds written as MODS note/@type, and the "coverage" note that carries dc:coverage.
COVERAGE_NOTE = "coverage"
RESPONSIBILITY_NOTE = "statement of responsibility"
#: typeOfResource <-> document kind.
TYPE_OF_RESOURCE: dict[str, str] = {
    "book": "text", "thesis": "text", "newspaper": "text", "journal": "text", "article": "text",
    "manuscript": "text", "audio": "sound recording", "video": "moving image", "image": "still image",
    "map": "cartographic",
}
RESOURCE_DCMI: dict[str, str] = {
    "text": "Text", "cartographic": "Image", "notated music": "Text", "sound recording": "Sound",
    "sound recording-musical": "Sound", "sound recording-nonmusical": "Sound", "still image": "StillImage",
    "moving image": "MovingImage", "three dimensional object": "PhysicalObject",
    "software, multimedia": "Software", "mixed material": "Collection",
}
RESOURCE_KIND: dict[str, str] = {
    "cartographic": "map", "sound recording": "audio", "sound recording-musical": "audio",
    "sound recording-nonmusical": "audio", "still image": "image", "moving image": "video",
}
