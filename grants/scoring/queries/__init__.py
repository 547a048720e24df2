"""Every read of the review that pages, the API and the exports use: the ranking, the reviewers' assignments, a call's progress."""
