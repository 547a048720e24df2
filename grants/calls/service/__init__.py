"""Calls: the only writer of call rows, their criteria and documents, and of the call's transitions.

Each write checks, locks, writes and audits in one transaction (see states.py for the lifecycle):
calls.py creates, edits, clones and deletes a call; criteria.py changes a draft's criteria;
lifecycle.py publishes, closes, decides and extends; documents.py keeps the published files.
"""

from grants.calls.service.calls import clone_call, create_call, delete_call, edit_call, update_call
from grants.calls.service.common import check
from grants.calls.service.criteria import add_criterion, change_criterion, remove_criterion
from grants.calls.service.documents import add_document, remove_document
from grants.calls.service.lifecycle import close, decide, extend_deadline, publish

__all__ = [
    "add_criterion",
    "add_document",
    "change_criterion",
    "check",
    "clone_call",
    "close",
    "create_call",
    "decide",
    "delete_call",
    "edit_call",
    "extend_deadline",
    "publish",
    "remove_criterion",
    "remove_document",
    "update_call",
]
