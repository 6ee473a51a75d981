"""Review: supervisors and officers approve entries or return them with a comment."""
