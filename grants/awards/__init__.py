"""Awards: the decision within the call's budget and quota, declines and the reserve list."""
