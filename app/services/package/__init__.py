"""Packages: the signed export (.ipdx), its reading, keys, trust, the inbox and receiving."""
