"""The print-ready PDF of a report (GB/T 9704 layout), for the app's print button and `main.py pdf`.

Import from the module that does the work: `core.documents.pdf.render` (render_pdf, write_pdf: loads
ReportLab's page layout engine), `core.documents.pdf.coverage` (which characters no font can print),
`core.documents.pdf.fonts`, `core.documents.pdf.layout` (page geometry, shared with the Word and Excel
writers). This package file imports nothing, so loading the geometry never loads the renderer.
"""
