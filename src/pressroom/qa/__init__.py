"""Quality gates over built PDFs and their catalogues: layout QA, the print-run gate, preflight,
print locations.
"""
