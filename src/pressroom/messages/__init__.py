"""Messages: extraction, PO files, catalogues and their merge, plural rules, translation checks,
pseudo-localisation, statistics.
"""
