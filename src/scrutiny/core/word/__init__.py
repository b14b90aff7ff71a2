"""Word documents from outside: organisations' report templates and evidence attachments.

`package` looks inside a .docx as a zip (budgets, content types, macros, links to other
places) without parsing it as a document; `template` makes a Word template safe and
fills it; `properties` writes the document properties every DOCX we produce carries.
"""
