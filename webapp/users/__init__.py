"""User administration: the list, roles per unit, deactivation, password resets, sessions, CSV/XLSX import."""
