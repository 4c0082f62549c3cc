"""The curator's tools: a new report's folder (`scaffold`) and a seed tree checked without a
database (`check`)."""
