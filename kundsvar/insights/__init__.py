"""The read side: reports, the promise forecast's figures, staffing. Reads the other apps'
models and the audit log; nothing below imports it."""
