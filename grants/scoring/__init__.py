"""Eligibility checks, reviewer assignments and conflicts of interest, scores, ranking."""

from grants.scoring.api import ExportApi, ReviewerApi, ReviewStaffApi
from grants.scoring.pages.reviewer import ReviewPages
from grants.scoring.pages.staff import StaffReviewPages

routes = [ReviewStaffApi, ReviewerApi, ReviewPages, StaffReviewPages, ExportApi]
