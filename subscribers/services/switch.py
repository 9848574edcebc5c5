"""Switching a router's PPP to RADIUS (filled in below)."""
