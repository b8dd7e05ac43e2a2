"""Spreadsheets: the fill-in template, reading XLSX/XLS/CSV, the import plan and apply, the long-format export."""
