"""Helpers for the Keras 3 Layers course: setup, plots, widgets and the quiz engine."""
