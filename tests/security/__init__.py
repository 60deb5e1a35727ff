"""Attacks replayed beside their defences, one file per theme."""
