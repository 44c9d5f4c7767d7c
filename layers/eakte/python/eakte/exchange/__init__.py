"""Message exchange with the federal authority: eCH messages validated against the official XSDs,
filed into dossiers, forwarded in order (per person) and exactly once in effect, with receipts."""
