"""Simple Dublin Core (oai_dc): reader and writer."""
