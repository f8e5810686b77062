"""The project and its content: `[tool.pressroom]` configuration, artefact paths, the content
documents.
"""
