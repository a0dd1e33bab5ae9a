"""The data stewards' web page (issue 12): see what a department delivered wrong, fix it, re-run.

``accounts`` (logins, rate limit), ``queries`` (what a page shows, scoped to the department),
``validate`` and ``corrections`` (a steward's correction, checked by the feed's own suites),
``batches`` (corrections land on the next cycle as batches of their own), ``app`` (the pages).
Only ``app`` and ``cli`` import the web framework.
"""
