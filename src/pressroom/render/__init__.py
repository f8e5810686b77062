"""One PDF: the view model, the WeasyPrint adapter (engine), layout analysis, print marks, and the
fingerprint of its inputs.
"""
