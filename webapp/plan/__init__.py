"""The commune's plan: its topics, campaigns (action months) and, later, targets."""
