"""The report and its words: the report model, the typed vocabularies (statuses, revision kinds, change
fields), cell and date input, names, hidden characters, find, paste."""
