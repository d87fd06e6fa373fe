"""Documents in and out: input files, the exchange JSON, the 校验码, PDF, Word/Excel/web page writers and the
published-report readers."""
