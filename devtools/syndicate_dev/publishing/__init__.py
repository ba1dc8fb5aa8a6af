"""Publishing a folder of Markdown files to the publisher API (``syndicate publish``).

A file is read (``frontmatter``), mapped to an article document and checked against schemas/
(``articles``), given a stable id (``ids``), compared with what the API holds (``changes``) and
sent with ``PUT /articles/{id}`` (``api``) only when it differs (``publisher``). Images are
handled in one place (``images``).
"""
