"""Rendering a timeline into the output folder: clips, thumbnails, reel, manifest, report, ZIP."""
