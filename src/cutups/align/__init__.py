"""Alignment of play-by-play with the video: pure functions."""
