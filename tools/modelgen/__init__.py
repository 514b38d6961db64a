"""Generators of random-weight models in the on-disk layout transformers.js loads (see public/models/README.md)."""
