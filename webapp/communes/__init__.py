"""Communes: the official list, the commune template, units, villages, topics, campaigns, the yearly plan copy, first run, backup."""
