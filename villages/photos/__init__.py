"""Galleries of the catalogue: upload checks (``images``), writes (``services``) and the resized copies
pages show (``thumbnails``)."""
