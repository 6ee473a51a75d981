"""THE totals service every output shares (dashboard, totals API, DOCX/XLSX/CSV): the queries, who may
see what (scope), request parameters, labels, small-cell privacy and the report's tables."""
from webapp.reports.totals.queries import (MEASURES, PUBLIC_GROUP_KEYS, STATUSES, Totals, TotalsQuery,
                                           distinct_values, entry_conditions, entry_values, group_expression,
                                           run)

__all__ = ["MEASURES", "PUBLIC_GROUP_KEYS", "STATUSES", "Totals", "TotalsQuery", "distinct_values",
           "entry_conditions", "entry_values", "group_expression", "run"]
