"""Provides the trail of what was done: the access log, its chain and anchor, the record seals."""
