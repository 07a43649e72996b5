"""Quanze (权责): a knowledge graph of administrative power items, their legal bases and what
stands between each item and its devolution to a lower level."""

__version__ = "0.1.0"
