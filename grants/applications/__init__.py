"""Applications: drafts, budget lines, planned events, attachments, submission, clarification."""
