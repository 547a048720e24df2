"""The review's HTML pages, one module per audience: the reviewers' and the staff's."""
