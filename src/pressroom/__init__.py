"""pressroom: structured content -> gettext catalogues -> print PDFs."""

__version__ = "0.1.0"
