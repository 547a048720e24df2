"""Eligibility checks, reviewer assignments and conflicts of interest, scores, ranking."""
