"""Exit codes of ``wiresleuth run`` (a contract for scripts and the lab)."""

NO_PROBLEM = 0
"""The run finished and found nothing of severity "problem"."""
PROBLEMS_FOUND = 1
"""The run finished and found at least one problem."""
COULD_NOT_RUN = 2
"""Bad input, or the run or its bundle could not be completed."""
