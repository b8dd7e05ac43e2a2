"""The submission documents: the data they print, the PDF, the XLSX and the charts."""
